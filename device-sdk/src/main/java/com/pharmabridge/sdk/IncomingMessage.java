package com.pharmabridge.sdk;

import java.util.function.Consumer;

/** A Message (type 3) delivered by the gateway to one of this device's subscriptions. */
public final class IncomingMessage {
    private final String subject;
    private final String payloadJson;
    private final String deviceId;
    private final String timestamp;
    private final String replyTo;
    private final Consumer<String> replier;

    IncomingMessage(String subject, String payloadJson, String deviceId, String timestamp, String replyTo,
                    Consumer<String> replier) {
        this.subject = subject;
        this.payloadJson = payloadJson;
        this.deviceId = deviceId;
        this.timestamp = timestamp;
        this.replyTo = replyTo;
        this.replier = replier;
    }

    /** @return the concrete subject the message was published on */
    public String subject() {
        return subject;
    }

    /** @return the payload as JSON text (data that was not JSON arrives as a JSON string) */
    public String payload() {
        return payloadJson;
    }

    /** @return the id of the device that published it through the gateway, or {@code null} */
    public String deviceId() {
        return deviceId;
    }

    /** @return the gateway's timestamp of the delivery (ISO-8601), or {@code null} */
    public String timestamp() {
        return timestamp;
    }

    /** @return the reply subject when the sender waits for an answer, or {@code null} */
    public String replyTo() {
        return replyTo;
    }

    /** @return true when the sender waits for a {@link #reply(String)} */
    public boolean expectsReply() {
        return replyTo != null;
    }

    /**
     * Answers the request this message carried (a Reply, type 5, to {@link #replyTo()}). Sent only while connected.
     *
     * @param json the answer, one valid JSON value
     * @throws IllegalStateException when the message carried no {@code replyTo}
     */
    public void reply(String json) {
        if (replyTo == null) {
            throw new IllegalStateException("Message on " + subject + " carried no replyTo");
        }
        replier.accept(json);
    }

    @Override
    public String toString() {
        return "IncomingMessage[" + subject + " " + payloadJson + "]";
    }
}
