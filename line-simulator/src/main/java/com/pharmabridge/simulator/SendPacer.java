package com.pharmabridge.simulator;

import java.util.function.LongSupplier;

/**
 * A device's own token bucket for sending. Steady publishing never waits on it, but a backlog (after a reconnect,
 * or after RATE_LIMIT) drains at its pace instead of in one burst: a burst would mostly be refused by the gateway's
 * per-device rate limit, re-sent after the short {@code retryAfterMs}, refused again, and so on.
 * <p>
 * The gateway's limit is not known in advance, so the pace adapts the way TCP's window does: halved on
 * RATE_LIMIT, raised a little on each Ack, never above the starting pace. Not thread-safe.
 */
final class SendPacer {
    /** Backlog drains at this multiple of the publish rate, so a device catches up while still producing. */
    static final double CATCH_UP_FACTOR = 2.0;
    /** Floor for slow devices, so that a backlog of a device publishing once a minute does not take hours. */
    static final double MIN_PER_SECOND = 10.0;

    /** Share of the starting pace regained per Ack: from half to full pace in a few hundred Acks. */
    static final double RECOVERY_PER_ACK = 0.002;

    /**
     * One halving per this window: the messages already in flight when the limit was hit are refused together,
     * and that is one overload, not many.
     */
    static final long SLOW_DOWN_WINDOW_NANOS = 250_000_000L;

    private final double maxTokensPerNano;
    private final double minTokensPerNano;
    private double tokensPerNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long refilledAt;
    private long lastSlowDown;
    private boolean slowedDown;

    SendPacer(double perSecond, double burst, LongSupplier nanoClock) {
        if (!(perSecond > 0) || !(burst >= 1)) {
            throw new IllegalArgumentException("rate must be positive and burst at least 1");
        }
        this.maxTokensPerNano = perSecond / 1e9;
        this.minTokensPerNano = Math.min(1.0, perSecond) / 1e9;
        this.tokensPerNano = maxTokensPerNano;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.refilledAt = nanoClock.getAsLong();
    }

    /** The pacer of a device publishing {@code messagesPerSecond}; its burst is a quarter second of sending. */
    static SendPacer forPublishRate(double messagesPerSecond) {
        return forPublishRate(messagesPerSecond, System::nanoTime);
    }

    static SendPacer forPublishRate(double messagesPerSecond, LongSupplier nanoClock) {
        double perSecond = Math.max(MIN_PER_SECOND, messagesPerSecond * CATCH_UP_FACTOR);
        return new SendPacer(perSecond, Math.max(5, perSecond / 4), nanoClock);
    }

    /** @return true and takes a token when one is available */
    boolean tryAcquire() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** @return nanoseconds until {@link #tryAcquire} can succeed; 0 when it can now */
    long nanosUntilNextToken() {
        refill();
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / tokensPerNano);
    }

    /**
     * The gateway refused a message with RATE_LIMIT: drop the saved-up burst and halve the pace, once per
     * {@link #SLOW_DOWN_WINDOW_NANOS}, to no less than one message a second.
     */
    void slowDown() {
        refill();
        tokens = 0;
        if (slowedDown && refilledAt - lastSlowDown < SLOW_DOWN_WINDOW_NANOS) {
            return;
        }
        slowedDown = true;
        lastSlowDown = refilledAt;
        tokensPerNano = Math.max(minTokensPerNano, tokensPerNano / 2);
    }

    /** A message was acknowledged: regain a little pace. */
    void speedUp() {
        refill();
        tokensPerNano = Math.min(maxTokensPerNano, tokensPerNano + maxTokensPerNano * RECOVERY_PER_ACK);
    }

    /** @return the current pace, messages per second */
    double perSecond() {
        return tokensPerNano * 1e9;
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - refilledAt) * tokensPerNano);
        refilledAt = now;
    }
}
