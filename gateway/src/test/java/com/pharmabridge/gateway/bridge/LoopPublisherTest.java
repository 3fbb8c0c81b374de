package com.pharmabridge.gateway.bridge;

import com.pharmabridge.gateway.testing.ConfiguredNats;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link LoopPublisher} on a Netty event loop of its own against a real nats-server: PubAcks, JetStream's refusals,
 * the publish timeout, a lost connection, back-pressure and order.
 */
class LoopPublisherTest {
    private static final long TIMEOUT_MS = 800;
    private ConfiguredNats nats;
    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private LoopPublisher publisher;
    private Connection observer;

    @BeforeEach
    void start() throws Exception {
        // The server pings every 300 ms: its PINGs must be answered between everything else.
        nats = ConfiguredNats.start("ping_interval: \"300ms\"\nping_max: 2\nmax_payload: 65536");
        observer = Nats.connect(new Options.Builder().server(nats.url()).maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(100)).build());
        JetStreamManagement jsm = observer.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("S").subjects("s.>").storageType(StorageType.File).build());
        jsm.addStream(StreamConfiguration.builder().name("ONE").subjects("one.>").maxMessages(1)
                .discardPolicy(DiscardPolicy.New).storageType(StorageType.Memory).build());
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
        publisher = new LoopPublisher(loop, NioSocketChannel::new, NatsEndpoint.parse(nats.url()), "test loop-0",
                256 * 1024, TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS), 100);
        publisher.start();
        await().atMost(Duration.ofSeconds(10)).until(publisher::isReady);
    }

    @AfterEach
    void stop() throws Exception {
        publisher.close().get(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        observer.close();
        nats.close();
    }

    @Test
    void storedPublishIsConfirmedAndItsRetryIsADuplicate() throws Exception {
        PublishAck first = durably("s.a", "id-1", "one").get(5, TimeUnit.SECONDS);
        assertThat(first.getStream()).isEqualTo("S");
        assertThat(first.getSeqno()).isEqualTo(1);
        assertThat(first.isDuplicate()).isFalse();
        PublishAck retry = durably("s.a", "id-1", "one").get(5, TimeUnit.SECONDS);
        assertThat(retry.isDuplicate()).isTrue();
        assertThat(retry.getSeqno()).isEqualTo(1);
        assertThat(messages("S")).isEqualTo(1);
    }

    @Test
    void noStreamForTheSubjectFailsAtOnceNotByTimeout() throws Exception {
        long started = System.nanoTime();
        CompletableFuture<PublishAck> ack = durably("nostream.a", "id-1", "x");
        assertThatThrownBy(() -> ack.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IOException.class).hasMessageContaining("no responders");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(TIMEOUT_MS);
        // The connection is still good.
        assertThat(durably("s.a", "id-2", "y").get(5, TimeUnit.SECONDS).getSeqno()).isEqualTo(1);
    }

    @Test
    void jetStreamRefusalsFailTheFutureWithTheApiError() throws Exception {
        durably("s.a", "id-1", "x").get(5, TimeUnit.SECONDS);
        NatsHeaders wrongSequence = new NatsHeaders().put("Nats-Msg-Id", "id-2").put("Nats-Expected-Last-Sequence", "99");
        CompletableFuture<PublishAck> refused = onLoop(() -> publisher.publishDurably("s.a", wrongSequence, bytes("y")));
        assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(JetStreamApiException.class)
                .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10071));
        NatsHeaders wrongStream = new NatsHeaders().put("Nats-Msg-Id", "id-3").put("Nats-Expected-Stream", "OTHER");
        CompletableFuture<PublishAck> refused2 = onLoop(() -> publisher.publishDurably("s.a", wrongStream, bytes("z")));
        assertThatThrownBy(() -> refused2.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(JetStreamApiException.class);

        durably("one.a", "id-4", "1").get(5, TimeUnit.SECONDS);
        CompletableFuture<PublishAck> full = durably("one.a", "id-5", "2");
        assertThatThrownBy(() -> full.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(JetStreamApiException.class)
                .hasMessageContaining("maximum messages exceeded");
        assertThat(messages("S")).isEqualTo(1);
        assertThat(publisher.isReady()).isTrue();
    }

    @Test
    void unansweredPublishTimesOutAndItsRetryIsStoredOnce() throws Exception {
        nats.pause();
        try {
            long started = System.nanoTime();
            CompletableFuture<PublishAck> ack = durably("s.a", "id-1", "x");
            assertThatThrownBy(() -> ack.get(TIMEOUT_MS * 3, TimeUnit.MILLISECONDS)).cause()
                    .isInstanceOf(TimeoutException.class);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(took).isBetween(TIMEOUT_MS - 50, TIMEOUT_MS + 500);
        } finally {
            nats.resume();
        }
        // The first copy reached the stream after all; the device's retry is recognised.
        PublishAck retry = durably("s.a", "id-1", "x").get(5, TimeUnit.SECONDS);
        assertThat(retry.isDuplicate()).isTrue();
        assertThat(messages("S")).isEqualTo(1);
    }

    @Test
    void lostConnectionFailsEveryPendingAckAndReconnects() throws Exception {
        PublishAck before = durably("s.a", "before", "0").get(5, TimeUnit.SECONDS);
        nats.pause();
        List<CompletableFuture<PublishAck>> pending = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pending.add(durably("s.a", "during-" + i, "d" + i));
        }
        nats.crash();
        for (CompletableFuture<PublishAck> ack : pending) {
            assertThatThrownBy(() -> ack.get(TIMEOUT_MS / 2, TimeUnit.MILLISECONDS)).cause()
                    .isInstanceOf(Unavailable.class);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !publisher.isReady());
        assertThatThrownBy(() -> onLoop(() -> durably0("s.a", "refused", "r"))).cause().isInstanceOf(Unavailable.class);
        assertThatThrownBy(() -> onLoop(() -> {
            publisher.publish("s.a", null, bytes("r"));
            return null;
        })).cause().isInstanceOf(Unavailable.class);
        assertThat(publisher.problem()).containsAnyOf("lost", "Cannot connect");

        nats.start();
        await().atMost(Duration.ofSeconds(10)).until(publisher::isReady);
        PublishAck after = durably("s.a", "after", "1").get(5, TimeUnit.SECONDS);
        assertThat(after.getSeqno()).isGreaterThan(before.getSeqno());
        assertThat(observer.jetStreamManagement().getMessage("S", before.getSeqno()).getData())
                .isEqualTo(bytes("0"));
    }

    @Test
    void congestedConnectionHoldsItsBytesBoundedAndResumesWaitersWhenDrained() throws Exception {
        nats.pause();
        AtomicBoolean resumed = new AtomicBoolean();
        byte[] payload = new byte[16 * 1024];
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // Publishes as a session would: stop at congestion and ask to be resumed.
            while (!onLoop(publisher::isCongested)) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                onLoop(() -> {
                    for (int i = 0; i < 8; i++) {
                        publisher.publish("s.big", null, payload);
                    }
                    return null;
                });
            }
            onLoop(() -> {
                publisher.whenDrained(() -> resumed.set(true));
                return null;
            });
            // Bounded: no more than the high-water mark plus one turn's chunk waits in the gateway.
            assertThat(publisher.pendingBytes()).isLessThan(256 * 1024 + 8 * payload.length + 64 * 1024);
            // Not resumed while the server reads nothing: every poll sees the waiter held and the connection congested
            // (a resume or a drain fails it at once), over a hold long enough for the loop to flush what it can.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !resumed.get() && onLoop(publisher::isCongested));
        } finally {
            nats.resume();
        }
        await().atMost(Duration.ofSeconds(10)).untilTrue(resumed);
        await().atMost(Duration.ofSeconds(10)).until(() -> onLoop(() -> !publisher.isCongested()));
    }

    @Test
    void fireAndForgetAndStoredPublishesKeepTheirOrderAndServerPingsAreAnswered() throws Exception {
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
        onLoop(() -> {
            for (int i = 0; i < 2000; i++) {
                if (i % 3 == 0) {
                    acks.add(publisher.publishDurably("s.order", new NatsHeaders().put("Nats-Msg-Id", "o" + i), bytes("" + i)));
                } else {
                    publisher.publish("s.order", null, bytes("" + i));
                }
            }
            return null;
        });
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> messages("S") == 2000);
        for (int seq = 1; seq <= 2000; seq += 97) {
            assertThat(new String(observer.jetStreamManagement().getMessage("S", seq).getData(), StandardCharsets.US_ASCII))
                    .isEqualTo(Integer.toString(seq - 1));
        }
        // Four server pings answered on the same connection: the server (ping_max 2) would have dropped it otherwise.
        long pings = publisher.serverPingsAnswered();
        long connections = publisher.connectionsReady();
        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.serverPingsAnswered() >= pings + 4);
        assertThat(publisher.connectionsReady()).isEqualTo(connections);
        assertThat(publisher.isReady()).isTrue();
        assertThat(durably("s.order", "last", "x").get(5, TimeUnit.SECONDS).getSeqno()).isEqualTo(2001);
    }

    @Test
    void messageOfExactlyMaxPayloadWithHeadersIsStored() throws Exception {
        assertThat(publisher.maxPayload()).isEqualTo(65536); // from the server's INFO: what the bridge checks against
        NatsHeaders headers = new NatsHeaders().put("Nats-Msg-Id", "big").put("Device-Id", "sealer-1");
        byte[] payload = new byte[65536 - headers.serializedLength()];
        java.util.Arrays.fill(payload, (byte) 'x');
        CompletableFuture<PublishAck> ack = onLoop(() -> publisher.publishDurably("s.big", headers, payload));
        assertThat(ack.get(5, TimeUnit.SECONDS).getSeqno()).isEqualTo(1);
        assertThat(observer.jetStreamManagement().getMessage("S", 1).getData()).hasSize(payload.length);
    }

    @Test
    void closeWritesWhatWasQueuedFirst() throws Exception {
        onLoop(() -> {
            for (int i = 0; i < 500; i++) {
                publisher.publish("s.closing", null, bytes("" + i));
            }
            return null;
        });
        publisher.close().get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> messages("S") == 500);
        assertThat(publisher.isReady()).isFalse();
    }

    @Test
    void peerThatAcceptsButNeverAnswersIsLeftAndRetried() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
            List<java.net.Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                        accepted.incrementAndGet();
                    }
                } catch (IOException closed) {
                    // done
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            LoopPublisher hung = new LoopPublisher(loop, NioSocketChannel::new,
                    NatsEndpoint.parse("nats://127.0.0.1:" + silent.getLocalPort()), "test hung", 256 * 1024,
                    TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS), 100);
            hung.start();
            try {
                await().atMost(Duration.ofSeconds(9)).until(() -> accepted.get() >= 2);
                assertThat(hung.isReady()).isFalse();
                assertThat(hung.problem()).contains("handshake");
            } finally {
                hung.close().get(5, TimeUnit.SECONDS);
                for (java.net.Socket s : held) {
                    s.close();
                }
            }
        }
    }

    private record Received(String subject, String replyTo, ReceivedHeaders headers, String data,
                            boolean onLoop) {
    }

    private CoreMessageHandler recorder(java.util.concurrent.BlockingQueue<Received> into) {
        return (subject, replyTo, headers, data) -> into.add(new Received(subject, replyTo, headers,
                new String(data, StandardCharsets.UTF_8), loop.inEventLoop()));
    }

    @Test
    void subscriptionReceivesOnTheLoopWithReplySubjectAndHeadersUntilUnsubscribed() throws Exception {
        java.util.concurrent.LinkedBlockingQueue<Received> received = new java.util.concurrent.LinkedBlockingQueue<>();
        int sid = onLoop(() -> publisher.subscribe("feed.*", recorder(received)));
        onLoop(() -> publisher.caughtUp()).get(5, TimeUnit.SECONDS);

        observer.publish("feed.a", "inbox.x", "plain".getBytes(StandardCharsets.UTF_8));
        io.nats.client.impl.Headers headers = new io.nats.client.impl.Headers().add("Device-Id", "dev-1")
                .add("Multi", "one", "two");
        observer.publish("feed.b", headers, "with headers, ünïcode".getBytes(StandardCharsets.UTF_8));
        observer.publish("other.c", "not subscribed".getBytes(StandardCharsets.UTF_8));
        observer.publish("feed.c", new byte[0]);
        observer.flush(Duration.ofSeconds(5));

        Received plain = received.poll(5, TimeUnit.SECONDS);
        assertThat(plain).isEqualTo(new Received("feed.a", "inbox.x", null, "plain", true));
        Received withHeaders = received.poll(5, TimeUnit.SECONDS);
        assertThat(withHeaders.subject()).isEqualTo("feed.b");
        assertThat(withHeaders.replyTo()).isNull();
        assertThat(withHeaders.data()).isEqualTo("with headers, ünïcode");
        assertThat(withHeaders.headers().first("Device-Id")).isEqualTo("dev-1");
        assertThat(withHeaders.headers().all("Multi")).containsExactly("one", "two");
        Received empty = received.poll(5, TimeUnit.SECONDS);
        assertThat(empty.subject()).isEqualTo("feed.c");
        assertThat(empty.data()).isEmpty();

        onLoop(() -> {
            publisher.unsubscribe(sid);
            publisher.unsubscribe(sid); // again: nothing
            return null;
        });
        onLoop(() -> publisher.caughtUp()).get(5, TimeUnit.SECONDS);
        observer.publish("feed.d", "after".getBytes(StandardCharsets.UTF_8));
        // A stored publish on the same connection travels after the UNSUB and the message above: once its PubAck is
        // read, a message for the ended subscription would have been read too.
        observer.flush(Duration.ofSeconds(5));
        durably("s.a", "marker", "m").get(5, TimeUnit.SECONDS);
        assertThat(received).isEmpty();
    }

    @Test
    void whatThisConnectionPublishesReachesItsOwnSubscriptions() throws Exception {
        // One device publishes what another device on the same event loop subscribed to: nats-server must echo it.
        java.util.concurrent.LinkedBlockingQueue<Received> received = new java.util.concurrent.LinkedBlockingQueue<>();
        onLoop(() -> publisher.subscribe("echo.a", recorder(received)));
        onLoop(() -> publisher.caughtUp()).get(5, TimeUnit.SECONDS);
        onLoop(() -> {
            publisher.publish("echo.a", new NatsHeaders().put("Device-Id", "d1"), bytes("mine"));
            return null;
        });
        Received echoed = received.poll(5, TimeUnit.SECONDS);
        assertThat(echoed).isNotNull();
        assertThat(echoed.data()).isEqualTo("mine");
        assertThat(echoed.headers().first("Device-Id")).isEqualTo("d1");
    }

    @Test
    void subscriptionsAreMadeAgainAfterTheConnectionIsLost() throws Exception {
        java.util.concurrent.LinkedBlockingQueue<Received> received = new java.util.concurrent.LinkedBlockingQueue<>();
        onLoop(() -> publisher.subscribe("feed.a", recorder(received)));
        onLoop(() -> publisher.caughtUp()).get(5, TimeUnit.SECONDS);
        long before = publisher.connectionsReady();

        nats.crash();
        await().atMost(Duration.ofSeconds(5)).until(() -> !publisher.isReady());
        // Not connected: a caller waiting for the server to have its subscription is told at once.
        CompletableFuture<Void> whileDown = onLoop(() -> publisher.caughtUp());
        assertThatThrownBy(() -> whileDown.get(1, TimeUnit.SECONDS)).cause().isInstanceOf(Unavailable.class);
        // Made while disconnected: sent when the connection is back.
        onLoop(() -> publisher.subscribe("feed.b", recorder(received)));
        nats.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.isReady() && publisher.connectionsReady() > before);
        onLoop(() -> publisher.caughtUp()).get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10)).until(observer::getStatus, s -> s == Connection.Status.CONNECTED);
        observer.publish("feed.a", "a".getBytes(StandardCharsets.UTF_8));
        observer.publish("feed.b", "b".getBytes(StandardCharsets.UTF_8));
        observer.flush(Duration.ofSeconds(5));
        assertThat(received.poll(5, TimeUnit.SECONDS).data()).isEqualTo("a");
        assertThat(received.poll(5, TimeUnit.SECONDS).data()).isEqualTo("b");
    }

    @Test
    void aFailingSubscriberDoesNotCostTheConnection() throws Exception {
        java.util.concurrent.LinkedBlockingQueue<Received> received = new java.util.concurrent.LinkedBlockingQueue<>();
        onLoop(() -> publisher.subscribe("bad.a", (subject, replyTo, headers, data) -> {
            throw new IllegalStateException("subscriber bug");
        }));
        onLoop(() -> publisher.subscribe("good.a", recorder(received)));
        onLoop(() -> publisher.caughtUp()).get(5, TimeUnit.SECONDS);
        long before = publisher.connectionsReady();
        observer.publish("bad.a", "x".getBytes(StandardCharsets.UTF_8));
        observer.publish("good.a", "y".getBytes(StandardCharsets.UTF_8));
        observer.flush(Duration.ofSeconds(5));
        assertThat(received.poll(5, TimeUnit.SECONDS).data()).isEqualTo("y");
        assertThat(publisher.connectionsReady()).isEqualTo(before);
        assertThat(publisher.isReady()).isTrue();
    }

    private CompletableFuture<PublishAck> durably(String subject, String id, String payload) throws Exception {
        return onLoop(() -> durably0(subject, id, payload));
    }

    private CompletableFuture<PublishAck> durably0(String subject, String id, String payload) {
        return publisher.publishDurably(subject, new NatsHeaders().put("Nats-Msg-Id", id), bytes(payload));
    }

    private <T> T onLoop(Callable<T> work) throws Exception {
        return loop.submit(work).get(5, TimeUnit.SECONDS);
    }

    private long messages(String stream) throws Exception {
        return observer.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
