package com.pharmabridge.sdk;

/**
 * A snapshot of a {@link DeviceClient}'s counters, from {@link DeviceClient#metrics()}. Immutable. {@code queued} is
 * a level (what waits now); every other field counts events since the client was created, never decreasing, as a
 * metrics exporter expects of a counter. Each publish made with {@link DeviceClient#publish} ends in exactly one of
 * {@code acknowledged}, {@code refusedPermanently}, {@code expired} or {@code dropped}, or is still {@code queued}
 * (or was left in the journal by {@link DeviceClient#close()}).
 *
 * @param queued             publishes waiting for the gateway's Ack now, including those read back from the journal
 *                           at start
 * @param published          publishes accepted by {@link DeviceClient#publish} (written to the journal)
 * @param acknowledged       publishes the gateway acknowledged (stored by JetStream, or handed to NATS)
 * @param duplicates         of those, Acks with {@code duplicate:true}: the stream already had the message, because
 *                           an earlier send's Ack was lost with a connection or a restart
 * @param replayed           sends of journal entries that had been sent before, by this client in an earlier session
 *                           or by an earlier run of the process (every entry read back from the journal at start
 *                           counts as sent before): once per entry per session in which it goes out again
 * @param retried            sends again after a {@code RATE_LIMIT} or {@code UNAVAILABLE} refusal in the same session
 * @param expired            publishes removed from the journal by its age limit before the gateway had them; their
 *                           futures failed with {@link DeviceException#EXPIRED}
 * @param dropped            publishes removed by a full journal under
 *                           {@link com.pharmabridge.sdk.store.StoreLimits.FullPolicy#DROP_OLDEST}; their futures failed
 *                           with {@link DeviceException#DROPPED}
 * @param refusedPermanently publishes the gateway refused for good (e.g. {@code NOT_AUTHORIZED},
 *                           {@code INVALID_MESSAGE}); their futures failed with that code
 * @param bufferFullRefusals publishes a full journal refused ({@link com.pharmabridge.sdk.store.StoreFullException}),
 *                           not counted in {@code published}
 * @param reconnects         sessions authenticated after the first one, i.e. connections that were lost and made
 *                           again
 */
public record ClientMetrics(long queued, long published, long acknowledged, long duplicates, long replayed,
                            long retried, long expired, long dropped, long refusedPermanently,
                            long bufferFullRefusals, long reconnects) {
}
