package com.pharmabridge.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down token guessing. After a number of failed logins for one device id, or from one remote host,
 * further attempts for it are refused without looking at the credentials, for a back-off that doubles with each
 * further failure up to a cap. The device still sees only AUTH_FAILED, so the lockout is no oracle either.
 */
public final class LoginThrottle {
    /** Enough for every device of a large site plus an attack's addresses; beyond it, stale entries go first. */
    private static final int MAX_TRACKED = 100_000;

    private final int maxFailuresPerDevice;
    private final int maxFailuresPerHost;
    private final Duration baseLockout;
    private final Duration maxLockout;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * @param maxFailuresPerDevice failures for one device id before it is locked out
     * @param maxFailuresPerHost   failures from one remote host (any ids) before it is locked out; higher, since
     *                             a whole line may sit behind one NAT address
     */
    public LoginThrottle(int maxFailuresPerDevice, int maxFailuresPerHost, Duration baseLockout, Duration maxLockout,
                         Clock clock) {
        this.maxFailuresPerDevice = maxFailuresPerDevice;
        this.maxFailuresPerHost = maxFailuresPerHost;
        this.baseLockout = baseLockout;
        this.maxLockout = maxLockout;
        this.clock = clock;
    }

    private static final class Entry {
        int failures;
        long lockedUntilMillis;
        long lastFailureMillis;
    }

    /** @return true when attempts for this device id or from this host are locked out right now */
    public boolean isLocked(String deviceId, String host) {
        long now = clock.millis();
        return lockedUntil(deviceKey(deviceId)) > now || lockedUntil(hostKey(host)) > now;
    }

    private long lockedUntil(String key) {
        Entry entry = key == null ? null : entries.get(key);
        return entry == null ? 0 : entry.lockedUntilMillis;
    }

    public void failed(String deviceId, String host) {
        record(deviceKey(deviceId), maxFailuresPerDevice);
        record(hostKey(host), maxFailuresPerHost);
    }

    /** A successful login clears the device's record; the host's stays, as other ids may be guessed from it. */
    public void succeeded(String deviceId) {
        String key = deviceKey(deviceId);
        if (key != null) {
            entries.remove(key);
        }
    }

    private void record(String key, int maxFailures) {
        if (key == null) {
            return;
        }
        if (entries.size() >= MAX_TRACKED) {
            evictStale();
        }
        long now = clock.millis();
        entries.compute(key, (k, entry) -> {
            Entry e = entry == null ? new Entry() : entry;
            // A quiet spell as long as the longest lockout forgives old failures.
            if (now - e.lastFailureMillis > maxLockout.toMillis()) {
                e.failures = 0;
            }
            e.failures++;
            e.lastFailureMillis = now;
            if (e.failures >= maxFailures) {
                int excess = Math.min(30, e.failures - maxFailures);
                long lockout = Math.min(maxLockout.toMillis(), baseLockout.toMillis() << excess);
                e.lockedUntilMillis = now + lockout;
            }
            return e;
        });
    }

    private void evictStale() {
        long now = clock.millis();
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Entry e = it.next().getValue();
            if (e.lockedUntilMillis < now && now - e.lastFailureMillis > maxLockout.toMillis()) {
                it.remove();
            }
        }
        if (entries.size() >= MAX_TRACKED) {
            entries.clear(); // under a flood of distinct keys, forgetting beats growing without bound
        }
    }

    private static String deviceKey(String deviceId) {
        return deviceId == null ? null : "d:" + (deviceId.length() > 128 ? deviceId.substring(0, 128) : deviceId);
    }

    private static String hostKey(String host) {
        return host == null ? null : "h:" + host;
    }
}
