package com.pharmabridge.gateway.session;

import com.pharmabridge.gateway.bridge.NatsBridge;
import com.pharmabridge.gateway.config.GatewayConfig;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.ProtocolException;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A durable JetStream pull consumer per device and subject. Messages stored while the device was away are delivered
 * when it returns; each carries an ackId, and only the device's Ack acknowledges it in JetStream. At most
 * {@code durableMaxAckPending} are unacknowledged at once, so a slow device never piles up messages here.
 * <p>
 * The subscription is registered in the session at once, before the consumer exists, so that a second Subscribe
 * or an Unsubscribe arriving meanwhile sees it; whichever finishes last cleans up after the other.
 */
final class DurableSubscription implements DeviceSubscription {
    private static final Logger LOG = LoggerFactory.getLogger(DurableSubscription.class);
    /** Device ids are at most 128 characters; the name keeps a readable prefix and relies on the hash for identity. */
    private static final int NAME_PREFIX = 64;

    /** One delivered message waiting for the device's Ack. */
    record Delivery(DurableSubscription subscription, Message message) {
    }

    private final DeviceSession session;
    private final String subject;
    private final String stream;
    private final String consumerName;
    private Future<Void> ready;
    private volatile MessageConsumer consumer;
    private volatile boolean detached;
    private long nextAckId;

    DurableSubscription(DeviceSession session, String subject, String stream) {
        this.session = session;
        this.subject = subject;
        this.stream = stream;
        this.consumerName = consumerName(session.deviceId(), subject);
    }

    /**
     * Creates or binds the consumer off the event loop (JetStream API calls block).
     *
     * @return completes on the session's event loop when deliveries have started
     */
    Future<Void> open() {
        GatewayConfig.JetStream js = session.services().config().jetStream();
        ready = session.context().executeBlocking(() -> {
            start(session.services().bridge(), js);
            return null;
        }, false);
        return ready;
    }

    Future<Void> ready() {
        return ready;
    }

    private void start(NatsBridge bridge, GatewayConfig.JetStream js) throws Exception {
        StreamContext streamContext = bridge.streamContext(stream);
        if (!streamContext.getConsumerNames().contains(consumerName)) {
            String prefix = consumerPrefix(session.deviceId());
            long existing = streamContext.getConsumerNames().stream().filter(n -> n.startsWith(prefix)).count();
            if (existing >= js.maxDurablesPerDevice()) {
                throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "At most " + js.maxDurablesPerDevice()
                        + " durable subscriptions per device in stream " + stream + "; unsubscribe one first");
            }
        }
        ConsumerConfiguration configuration = ConsumerConfiguration.builder()
                .durable(consumerName)
                .filterSubject(subject)
                .ackPolicy(AckPolicy.Explicit)
                .deliverPolicy(DeliverPolicy.New)
                .ackWait(js.durableAckWait())
                .maxAckPending(js.durableMaxAckPending())
                .maxDeliver(js.durableMaxDeliver())
                .description("Durable subscription of device " + session.deviceId() + " to " + subject)
                .build();
        ConsumerContext consumerContext = streamContext.createOrUpdateConsumer(configuration);
        bridge.registerDurable(consumerName, session.deviceId());
        int batch = Math.max(1, Math.min(js.durableMaxAckPending(), 100));
        // The gateway's shared dispatchers deliver: no thread per consumer.
        MessageConsumer started = consumerContext.consume(ConsumeOptions.builder().batchSize(batch).build(),
                bridge.dispatcherFor(consumerName), message -> session.onContext(() -> deliver(message)));
        consumer = started;
        if (detached) {
            stopConsumer(started);
        }
    }

    private void deliver(Message message) {
        if (session.isClosed() || detached) {
            return; // not acked: JetStream redelivers it after the ack wait
        }
        String ackId = consumerName + "-" + (++nextAckId);
        session.awaitDeviceAck(ackId, new Delivery(this, message));
        session.services().metrics().durableDelivered();
        if (message.isJetStream() && message.metaData().deliveredCount() > 1) {
            session.services().metrics().durableRedelivered();
        }
        Deliveries.deliver(session, message, ackId);
    }

    /** Stable across reconnects and gateways, valid as a consumer name, and unique per device and subject. */
    static String consumerName(String deviceId, String subject) {
        return consumerPrefix(deviceId) + hex(sha256(deviceId + "\u0000" + subject), 12);
    }

    private static String consumerPrefix(String deviceId) {
        String safeId = deviceId.replaceAll("[^A-Za-z0-9_-]", "_");
        if (safeId.length() > NAME_PREFIX) {
            // Ids sharing a long prefix must not share consumers: the id's own hash keeps them apart.
            safeId = safeId.substring(0, NAME_PREFIX) + "~" + hex(sha256(deviceId), 6);
            safeId = safeId.replace('~', '_');
        }
        return "dev_" + safeId + "_";
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes, int length) {
        return HexFormat.of().formatHex(bytes, 0, length);
    }

    @Override
    public String subject() {
        return subject;
    }

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public void detach() {
        detached = true;
        MessageConsumer c = consumer;
        if (c != null) {
            stopConsumer(c);
        }
        session.forgetDeliveries(this);
    }

    private void stopConsumer(MessageConsumer c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("Closing consumer {}: {}", consumerName, e.toString());
        }
    }

    @Override
    public void cancel() {
        detach();
        NatsBridge bridge = session.services().bridge();
        // After the opening attempt, so a consumer still being created is deleted too.
        ready.onComplete(opened -> session.services().vertx().executeBlocking(() -> {
            try {
                bridge.management().deleteConsumer(stream, consumerName);
            } catch (Exception e) {
                LOG.warn("Could not delete consumer {} of stream {}: {}", consumerName, stream, e.getMessage());
            }
            return null;
        }, false));
    }
}
