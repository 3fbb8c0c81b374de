package com.pharmabridge.gateway.session;

import java.util.concurrent.ConcurrentHashMap;

/**
 * New WebSocket connections per remote host: a token bucket each, shared by all event loops. A reconnect storm from
 * one host is slowed down (HTTP 429) instead of taking the gateway's CPU from everyone else.
 */
final class ConnectionRateLimiter {
    /** Beyond this many hosts tracked, idle buckets (full again) are forgotten. */
    private static final int MAX_HOSTS = 50_000;

    private final double perNano;
    private final double burst;
    private final ConcurrentHashMap<String, double[]> buckets = new ConcurrentHashMap<>();

    ConnectionRateLimiter(int perSecond, int burst) {
        this.perNano = perSecond / 1e9;
        this.burst = Math.max(1, burst);
    }

    /** @return true when this host may open another connection now */
    boolean allow(String host) {
        if (buckets.size() > MAX_HOSTS) {
            long now = System.nanoTime();
            buckets.values().removeIf(b -> b[0] + (now - (long) b[1]) * perNano >= burst);
        }
        boolean[] allowed = new boolean[1];
        buckets.compute(host, (h, bucket) -> {
            long now = System.nanoTime();
            double[] b = bucket == null ? new double[]{burst, now} : bucket;
            b[0] = Math.min(burst, b[0] + (now - (long) b[1]) * perNano);
            b[1] = now;
            if (b[0] >= 1) {
                b[0] -= 1;
                allowed[0] = true;
            }
            return b;
        });
        return allowed[0];
    }
}
