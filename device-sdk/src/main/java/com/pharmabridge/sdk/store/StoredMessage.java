package com.pharmabridge.sdk.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One message held by the {@link OfflineStore} until the gateway acknowledges it.
 *
 * <p>{@code equals}, {@code hashCode} and {@code toString} compare and print the payload by content (the record
 * defaults would use the array's identity, which makes two reads of the same row unequal).
 *
 * @param sequence        store-assigned, strictly increasing and never reused (replay order and resume cursor)
 * @param correlationId   the publish's correlation id; sent again unchanged on replay so JetStream de-duplicates it
 * @param subject         the subject it is published to
 * @param payload         the message body, exactly as given to {@link OfflineStore#add}
 * @param deviceTimestamp the device's own timestamp for the reading, as given (may be {@code null})
 * @param storedAt        when the store recorded it (millisecond precision); the age bound counts from here
 * @param attempts        how many send attempts were recorded with {@link OfflineStore#markAttempt}
 */
public record StoredMessage(long sequence, String correlationId, String subject, byte[] payload,
                            String deviceTimestamp, Instant storedAt, int attempts) {

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredMessage m
                && sequence == m.sequence
                && attempts == m.attempts
                && correlationId.equals(m.correlationId)
                && subject.equals(m.subject)
                && Arrays.equals(payload, m.payload)
                && Objects.equals(deviceTimestamp, m.deviceTimestamp)
                && storedAt.equals(m.storedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, correlationId, subject, Arrays.hashCode(payload), deviceTimestamp, storedAt,
                attempts);
    }

    /** Prints the payload's length, not its content: payloads can be large and may be confidential batch data. */
    @Override
    public String toString() {
        return "StoredMessage[sequence=" + sequence + ", correlationId=" + correlationId + ", subject=" + subject
                + ", payload=" + payload.length + " bytes, deviceTimestamp=" + deviceTimestamp + ", storedAt="
                + storedAt + ", attempts=" + attempts + "]";
    }
}
