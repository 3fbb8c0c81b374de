package com.pharmabridge.gateway.session;

import com.pharmabridge.gateway.bridge.NatsBridge;
import com.pharmabridge.gateway.config.GatewayConfig;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
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
 */
final class DurableSubscription implements DeviceSubscription {
    private static final Logger LOG = LoggerFactory.getLogger(DurableSubscription.class);

    /** One delivered message waiting for the device's Ack. */
    record Delivery(DurableSubscription subscription, Message message) {
    }

    private final DeviceSession session;
    private final String subject;
    private final String stream;
    private final String consumerName;
    private volatile MessageConsumer consumer;
    private long nextAckId;

    private DurableSubscription(DeviceSession session, String subject, String stream) {
        this.session = session;
        this.subject = subject;
        this.stream = stream;
        this.consumerName = consumerName(session.deviceId(), subject);
    }

    /** Creates or binds the consumer off the event loop (JetStream API calls block); completes on the session's loop. */
    static void open(DeviceSession session, String subject, String stream, Runnable onReady,
                     java.util.function.Consumer<Throwable> onFailure) {
        DurableSubscription subscription = new DurableSubscription(session, subject, stream);
        GatewayConfig.JetStream js = session.services().config().jetStream();
        session.context().executeBlocking(() -> {
            subscription.start(session.services().bridge(), js);
            return null;
        }, false).onComplete(result -> {
            if (result.failed()) {
                onFailure.accept(result.cause());
            } else if (session.isClosed()) {
                subscription.detach();
            } else {
                session.subscriptions().put(subject, subscription);
                onReady.run();
            }
        });
    }

    private void start(NatsBridge bridge, GatewayConfig.JetStream js) throws Exception {
        StreamContext streamContext = bridge.streamContext(stream);
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
        consumer = consumerContext.consume(ConsumeOptions.builder().batchSize(batch).build(),
                message -> session.onContext(() -> deliver(message)));
    }

    private void deliver(Message message) {
        if (session.isClosed()) {
            return; // not acked: JetStream redelivers it after the ack wait
        }
        String ackId = consumerName + "-" + (++nextAckId);
        session.awaitDeviceAck(ackId, new Delivery(this, message));
        session.services().metrics().durableDelivered();
        Deliveries.deliver(session, message, ackId);
    }

    /** Stable across reconnects and gateways, valid as a consumer name, and unique per device and subject. */
    static String consumerName(String deviceId, String subject) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(subject.getBytes(StandardCharsets.UTF_8));
            String safeId = deviceId.replaceAll("[^A-Za-z0-9_-]", "_");
            if (safeId.length() > 100) {
                safeId = safeId.substring(0, 100);
            }
            return "dev_" + safeId + "_" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        MessageConsumer c = consumer;
        if (c != null) {
            try {
                c.stop();
            } catch (RuntimeException e) {
                LOG.debug("Stopping consumer {}: {}", consumerName, e.toString());
            }
        }
        session.forgetDeliveries(this);
    }

    @Override
    public void cancel() {
        detach();
        NatsBridge bridge = session.services().bridge();
        session.services().vertx().executeBlocking(() -> {
            try {
                bridge.management().deleteConsumer(stream, consumerName);
            } catch (Exception e) {
                LOG.warn("Could not delete consumer {} of stream {}: {}", consumerName, stream, e.getMessage());
            }
            return null;
        }, false);
    }

    String consumerName() {
        return consumerName;
    }
}
