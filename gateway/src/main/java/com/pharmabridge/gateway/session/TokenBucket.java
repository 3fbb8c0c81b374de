package com.pharmabridge.gateway.session;

/** Per-device message rate limit. Confined to the session's event loop, so no synchronisation. */
final class TokenBucket {
    private final double tokensPerNano;
    private final double capacity;
    private double tokens;
    private long lastRefill;

    TokenBucket(int ratePerSecond, int burst) {
        this.tokensPerNano = ratePerSecond / 1e9;
        this.capacity = Math.max(1, burst);
        this.tokens = capacity;
        this.lastRefill = System.nanoTime();
    }

    /** @return 0 when a token was taken, otherwise how many milliseconds until one is available */
    long tryTake() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - lastRefill) * tokensPerNano);
        lastRefill = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerNano / 1e6));
    }
}
