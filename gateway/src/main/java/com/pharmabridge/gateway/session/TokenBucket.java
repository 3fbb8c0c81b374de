package com.pharmabridge.gateway.session;

/** Per-device rate limit (messages or bytes). Confined to the session's event loop, so no synchronisation. */
final class TokenBucket {
    private final double tokensPerNano;
    private final double capacity;
    private double tokens;
    private long lastRefill;


    TokenBucket(long ratePerSecond, long capacity) {
        this.tokensPerNano = ratePerSecond / 1e9;
        this.capacity = Math.max(1, capacity);
        this.tokens = this.capacity;
        this.lastRefill = System.nanoTime();
    }

    /** @return 0 when a token was taken, otherwise how many milliseconds until one is available */
    long tryTake() {
        return tryTake(1);
    }

    /** @return 0 when {@code amount} tokens were taken, otherwise how many milliseconds until they are available */
    long tryTake(long amount) {
        refill();
        if (tokens >= amount) {
            tokens -= amount;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((amount - tokens) / tokensPerNano / 1e6));
    }

    /** @return true when the bucket has refilled completely, i.e. it has not been used for a while */
    boolean isFull() {
        refill();
        return tokens >= capacity;
    }

    /** Gives back tokens taken for a message that was then refused for another reason. */
    void giveBack(long amount) {
        tokens = Math.min(capacity, tokens + amount);
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - lastRefill) * tokensPerNano);
        lastRefill = now;
    }
}
