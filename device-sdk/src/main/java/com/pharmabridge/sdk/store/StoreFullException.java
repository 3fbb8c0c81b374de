package com.pharmabridge.sdk.store;

/**
 * Thrown by {@link OfflineStore#add} under {@link StoreLimits.FullPolicy#REFUSE_NEW} when the new message would exceed
 * a bound (or, under any policy, when the payload alone is larger than {@code maxBytes}). Nothing was stored; the
 * caller is expected to raise an alarm, since the reading is not safe anywhere.
 */
public final class StoreFullException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Which bound was reached. */
    public enum Bound {
        /** {@link StoreLimits#maxMessages()} */
        MAX_MESSAGES,
        /** {@link StoreLimits#maxBytes()} */
        MAX_BYTES
    }

    private final Bound bound;
    private final long limit;
    private final long current;

    StoreFullException(Bound bound, long limit, long current, long needed, String correlationId) {
        super("offline store full: " + (bound == Bound.MAX_MESSAGES ? "maxMessages" : "maxBytes") + "=" + limit
                + " reached (holding " + current + ", message " + correlationId + " needs " + needed
                + "); message refused, nothing stored");
        this.bound = bound;
        this.limit = limit;
        this.current = current;
    }

    /** Which bound refused the message. */
    public Bound bound() {
        return bound;
    }

    /** The configured value of that bound. */
    public long limit() {
        return limit;
    }

    /** What the store held for that bound (messages or payload bytes) when it refused. */
    public long current() {
        return current;
    }
}
