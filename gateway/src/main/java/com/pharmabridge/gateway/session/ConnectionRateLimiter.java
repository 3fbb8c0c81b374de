package com.pharmabridge.gateway.session;

import java.util.concurrent.ConcurrentHashMap;

/**
 * New WebSocket connections per remote host: a token bucket each, shared by all event loops. A reconnect storm from
 * one host is slowed down (HTTP 429) instead of taking the gateway's CPU from everyone else.
 */
final class ConnectionRateLimiter {
    /** Beyond this many hosts tracked, idle buckets (full again) are forgotten. */
    private static final int MAX_HOSTS = 50_000;

    private final int perSecond;
    private final int burst;
    /** Each bucket is touched only inside compute for its key, which serialises access to it. */
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    ConnectionRateLimiter(int perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
    }

    /** @return true when this host may open another connection now */
    boolean allow(String host) {
        if (buckets.size() > MAX_HOSTS) {
            for (String known : buckets.keySet()) {
                buckets.computeIfPresent(known, (h, bucket) -> bucket.isFull() ? null : bucket);
            }
        }
        boolean[] allowed = new boolean[1];
        buckets.compute(host, (h, bucket) -> {
            TokenBucket b = bucket == null ? new TokenBucket(perSecond, burst) : bucket;
            allowed[0] = b.tryTake() == 0;
            return b;
        });
        return allowed[0];
    }
}
