package com.pharmabridge.gateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One NATS connection per Vert.x event loop, written only by that loop, for what devices publish. jnats funnels every
 * publish of every loop through one locked queue to one writer thread, and a profile showed the event loops parked on
 * that lock while a core stayed idle; here a publish is appended to the loop's own buffer, which is written and flushed
 * once per turn of the loop, so a read of many device frames becomes one socket write. A device is served by one
 * loop, so everything it publishes (fire-and-forget and stored) travels one connection, in order.
 *
 * <p>Acknowledged publishes carry a reply subject on this connection's inbox; the stream's PubAck completes the future
 * (parsed by jnats' own {@link PublishAck}), a timer fails those not confirmed in time, and a lost connection fails
 * all unconfirmed ones: the device keeps the message and retries it, deduplicated by {@code Nats-Msg-Id}. Nothing is
 * buffered while disconnected: publishes are refused as {@link Unavailable}, as on the jnats path.
 *
 * <p>Devices' plain subscriptions are made on this connection too ({@link #subscribe}), so what NATS sends them is read
 * by the loop that serves them: no jnats reader and dispatcher thread and no hand-over to the loop on the way, which
 * were two thread wake-ups per delivered message. They are made again after a reconnect; like any core subscription
 * they miss what is published while the connection is down.
 */
@io.netty.channel.ChannelHandler.Sharable // one connection at a time, but a new channel on every reconnect
final class LoopPublisher extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(LoopPublisher.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] PONG = "PONG\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
    /** A control line longer than this is not NATS protocol: the connection is dropped rather than buffered. */
    private static final int MAX_CONTROL_LINE = 4096;
    /** Appended publishes are written to the socket at this size even before the loop's turn ends. */
    private static final int WRITE_CHUNK = 64 * 1024;
    private static final int PING_INTERVAL_SECONDS = 30;
    private static final int MAX_PINGS_UNANSWERED = 2;
    private static final int HANDSHAKE_TIMEOUT_MS = 5_000;

    private final EventLoop loop;
    private final ChannelFactory<? extends Channel> channelFactory;
    private final NatsEndpoint endpoint;
    private final String connectionName;
    private final long maxPendingBytes;
    private final long publishTimeoutNanos;
    private final long reconnectWaitMillis;
    private final String inboxPrefix;

    // Confined to the event loop.
    private Channel channel;
    private ByteBuf inbound;
    private ByteBuf outbound;
    private boolean flushScheduled;
    private boolean handshakeDone;
    private long nextReplyId;
    private final Map<Long, PendingAck> pendingAcks = new LinkedHashMap<>();
    /** Subscriptions by sid; sid 1 is the inbox for PubAcks. */
    private final Map<Integer, Subscribed> subscriptions = new java.util.HashMap<>();
    private int nextSid = 2;
    /** What to do when the server answers each PING written, oldest first (servers answer PINGs in order). */
    private final java.util.ArrayDeque<Runnable> pongActions = new java.util.ArrayDeque<>();
    /** Waiting for the server to have read everything written before they asked; answered by the next PING. */
    private java.util.List<CompletableFuture<Void>> caughtUpWaiters = new java.util.ArrayList<>();
    private final java.util.ArrayDeque<java.util.List<CompletableFuture<Void>>> caughtUpInFlight =
            new java.util.ArrayDeque<>();
    private ScheduledFuture<?> ackTimer;
    private ScheduledFuture<?> pingTimer;
    private int pingsUnanswered;
    private ScheduledFuture<?> reconnect;
    private CompletableFuture<Void> drained;
    private boolean closing;
    /** Sessions paused because this connection was congested, resumed when it drains below the low-water mark. */
    private java.util.List<Runnable> waitingForDrain = new java.util.ArrayList<>();

    // Read by other threads (health, metrics, bridge decisions).
    private volatile boolean ready;
    private volatile long maxPayload = 1024 * 1024;
    private volatile String lastProblem = "not connected yet";
    // Written on the loop only; read by tests.
    private volatile long serverPingsAnswered;
    private volatile long connectionsReady;

    private record PendingAck(CompletableFuture<PublishAck> future, long deadline) {
    }

    private record Subscribed(String subject, CoreMessageHandler receiver) {
    }

    LoopPublisher(EventLoop loop, ChannelFactory<? extends Channel> channelFactory, NatsEndpoint endpoint,
                  String connectionName, long maxPendingBytes, long publishTimeoutNanos, long reconnectWaitMillis) {
        this.loop = loop;
        this.channelFactory = channelFactory;
        this.endpoint = endpoint;
        this.connectionName = connectionName;
        this.maxPendingBytes = maxPendingBytes;
        this.publishTimeoutNanos = publishTimeoutNanos;
        this.reconnectWaitMillis = reconnectWaitMillis;
        this.inboxPrefix = "_INBOX." + io.nats.client.NUID.nextGlobal() + ".";
    }

    EventLoop loop() {
        return loop;
    }

    boolean isReady() {
        return ready;
    }

    /** The server's PINGs answered with a PONG, over all connections so far. */
    long serverPingsAnswered() {
        return serverPingsAnswered;
    }

    /** How many connections became ready so far: one more after each reconnect. */
    long connectionsReady() {
        return connectionsReady;
    }

    String problem() {
        return lastProblem;
    }

    long maxPayload() {
        return maxPayload;
    }

    /** Bytes handed to this connection and not yet written to the socket (approximate off the loop). */
    long pendingBytes() {
        Channel c = channel;
        ByteBuf out = outbound;
        long queued = c == null || c.unsafe().outboundBuffer() == null ? 0 : c.unsafe().outboundBuffer().totalPendingWriteBytes();
        return queued + (out == null ? 0 : out.readableBytes());
    }

    void start() {
        loop.execute(this::connect);
    }

    private void connect() {
        if (closing) {
            return;
        }
        reconnect = null;
        new Bootstrap().group(loop).channelFactory(channelFactory)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark((int) Math.min(Integer.MAX_VALUE / 2, maxPendingBytes / 2),
                                (int) Math.min(Integer.MAX_VALUE, maxPendingBytes)))
                .handler(this)
                .connect(endpoint.host(), endpoint.port())
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        lastProblem = "Cannot connect to NATS at " + endpoint + ": " + f.cause().getMessage();
                        scheduleReconnect();
                    }
                });
    }

    private void scheduleReconnect() {
        if (!closing && reconnect == null) {
            reconnect = loop.schedule(this::connect, reconnectWaitMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Fire and forget: queued for this loop's next socket write. Must be called on {@link #loop()}. */
    void publish(String subject, NatsHeaders headers, byte[] payload) {
        requireReady();
        append(subject, null, headers, payload);
    }

    /** Stored publish: the future completes with the stream's PubAck. Must be called on {@link #loop()}. */
    CompletableFuture<PublishAck> publishDurably(String subject, NatsHeaders headers, byte[] payload) {
        requireReady();
        long id = ++nextReplyId;
        CompletableFuture<PublishAck> future = new CompletableFuture<>();
        append(subject, inboxPrefix + id, headers, payload);
        pendingAcks.put(id, new PendingAck(future, System.nanoTime() + publishTimeoutNanos));
        return future;
    }

    /** True while more than {@code nats.maxPendingBytes} wait for the socket; sessions on this loop pause reading. */
    boolean isCongested() {
        Channel c = channel;
        return c != null && !c.isWritable();
    }

    /** Runs {@code resume} on this loop once the connection is writable again (or lost: the session then learns so). */
    void whenDrained(Runnable resume) {
        if (channel == null || channel.isWritable()) {
            resume.run();
        } else {
            waitingForDrain.add(resume);
        }
    }

    /** Subscribes on this connection (now, or when it connects); returns the sid. Must be called on {@link #loop()}. */
    int subscribe(String subject, CoreMessageHandler receiver) {
        int sid = nextSid++;
        subscriptions.put(sid, new Subscribed(subject, receiver));
        if (handshakeDone && channel != null) {
            appendControl("SUB " + subject + " " + sid + "\r\n");
        }
        return sid;
    }

    /** Ends the subscription (again: nothing). Must be called on {@link #loop()}. */
    void unsubscribe(int sid) {
        if (subscriptions.remove(sid) != null) {
            if (handshakeDone && channel != null) {
                appendControl("UNSUB " + sid + "\r\n");
            }
        }
    }

    /**
     * Completes once the server has read everything written on this connection before the call (a new subscription,
     * say): one PING per turn of the loop answers every caller of that turn. Fails when the connection is not ready or
     * is lost first. Must be called on {@link #loop()}.
     */
    CompletableFuture<Void> caughtUp() {
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        if (!ready) {
            waiter.completeExceptionally(new Unavailable("NATS is not connected"));
            return waiter;
        }
        caughtUpWaiters.add(waiter);
        scheduleFlush();
        return waiter;
    }

    private void appendControl(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
        outboundFor(bytes.length).writeBytes(bytes);
        scheduleFlush();
    }

    private void sendPing(Runnable onPong) {
        pongActions.add(onPong);
        writeNow(PING);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            resumeWaiting();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void resumeWaiting() {
        if (waitingForDrain.isEmpty()) {
            return;
        }
        java.util.List<Runnable> resume = waitingForDrain;
        waitingForDrain = new java.util.ArrayList<>();
        resume.forEach(Runnable::run);
    }

    private void requireReady() {
        if (!ready) {
            throw new Unavailable("NATS is not connected; nothing was stored");
        }
    }

    private void append(String subject, String replyTo, NatsHeaders headers, byte[] payload) {
        int headerLength = headers == null || headers.isEmpty() ? 0 : headers.serializedLength();
        ByteBuf out = outboundFor(subject.length() + 64 + headerLength + payload.length);
        if (headerLength > 0) {
            out.writeBytes(OP_HPUB);
        } else {
            out.writeBytes(OP_PUB);
        }
        writeAscii(out, subject);
        if (replyTo != null) {
            out.writeByte(' ');
            writeAscii(out, replyTo);
        }
        out.writeByte(' ');
        if (headerLength > 0) {
            writeDecimal(out, headerLength);
            out.writeByte(' ');
        }
        writeDecimal(out, headerLength + payload.length);
        out.writeBytes(CRLF);
        if (headerLength > 0) {
            headers.writeTo(out);
        }
        out.writeBytes(payload);
        out.writeBytes(CRLF);
        if (out.readableBytes() >= WRITE_CHUNK) {
            // Flushed now: unflushed bytes count against the high-water mark, and a turn of the loop over a thousand
            // busy sockets can append tens of megabytes.
            channel.writeAndFlush(out, channel.voidPromise());
            outbound = null;
        }
        scheduleFlush();
    }

    private static final byte[] OP_PUB = "PUB ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OP_HPUB = "HPUB ".getBytes(StandardCharsets.US_ASCII);

    private ByteBuf outboundFor(int size) {
        if (outbound == null) {
            outbound = channel.alloc().buffer(Math.max(size, WRITE_CHUNK + 1024));
        }
        return outbound;
    }

    /** Subjects and reply subjects were checked by the session (printable ASCII, no spaces). */
    private static void writeAscii(ByteBuf out, String text) {
        out.writeCharSequence(text, StandardCharsets.US_ASCII);
    }

    private static void writeDecimal(ByteBuf out, int value) {
        if (value < 10) {
            out.writeByte('0' + value);
            return;
        }
        out.writeCharSequence(Integer.toString(value), StandardCharsets.US_ASCII);
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            // Runs after the loop has handled every socket that was ready: one write for all their frames.
            loop.execute(this::flushOutbound);
        }
    }

    private void flushOutbound() {
        flushScheduled = false;
        Channel c = channel;
        if (c == null) {
            return;
        }
        if (outbound != null) {
            c.write(outbound, c.voidPromise());
            outbound = null;
        }
        if (!caughtUpWaiters.isEmpty() && ready) {
            java.util.List<CompletableFuture<Void>> answered = caughtUpWaiters;
            caughtUpWaiters = new java.util.ArrayList<>();
            caughtUpInFlight.add(answered);
            pongActions.add(() -> caughtUpInFlight.poll().forEach(w -> w.complete(null)));
            c.write(c.alloc().buffer(PING.length).writeBytes(PING), c.voidPromise());
        }
        c.flush();
    }

    private void writeNow(byte[] bytes) {
        Channel c = channel;
        if (c != null) {
            flushOutbound();
            c.writeAndFlush(c.alloc().buffer(bytes.length).writeBytes(bytes), c.voidPromise());
        }
    }

    // ---- connection events -------------------------------------------------------------------------------------

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel connected = ctx.channel();
        channel = connected;
        inbound = ctx.alloc().heapBuffer(4096);
        handshakeDone = false;
        lastProblem = "NATS at " + endpoint + " did not complete the handshake";
        // A peer that accepts the connection but never answers (a hung server: the kernel still accepts) would
        // otherwise hold this connection not ready for good, with no reconnect; jnats bounds its handshake too.
        loop.schedule(() -> {
            if (!ready && !closing && channel == connected) {
                lastProblem = "NATS at " + endpoint + " did not complete the handshake within " + HANDSHAKE_TIMEOUT_MS
                        + " ms";
                connected.close();
            }
        }, HANDSHAKE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean wasReady = ready;
        ready = false;
        channel = null;
        if (inbound != null) {
            inbound.release();
            inbound = null;
        }
        if (outbound != null) {
            outbound.release();
            outbound = null;
        }
        if (ackTimer != null) {
            ackTimer.cancel(false);
            ackTimer = null;
        }
        if (pingTimer != null) {
            pingTimer.cancel(false);
            pingTimer = null;
        }
        failPending(new Unavailable("NATS connection lost before JetStream confirmed storage; retry the message"));
        pongActions.clear();
        Unavailable lost = new Unavailable("NATS connection lost");
        caughtUpInFlight.forEach(batch -> batch.forEach(w -> w.completeExceptionally(lost)));
        caughtUpInFlight.clear();
        caughtUpWaiters.forEach(w -> w.completeExceptionally(lost));
        caughtUpWaiters.clear();
        resumeWaiting(); // their next publish is refused as UNAVAILABLE rather than left unread
        if (drained != null) {
            drained.complete(null);
        }
        if (!closing) {
            if (wasReady) {
                // Otherwise the reason it never became ready (e.g. NATS' 'Authorization Violation') stays the problem.
                lastProblem = "NATS connection lost";
                LOG.warn("NATS publishing connection of {} lost; reconnecting", loopName());
            }
            scheduleReconnect();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        lastProblem = "NATS connection failed: " + cause.getMessage();
        LOG.warn("NATS publishing connection of {}: {}", loopName(), cause.toString());
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf data = (ByteBuf) msg;
        try {
            inbound.writeBytes(data);
        } finally {
            data.release();
        }
        try {
            while (readOne()) {
                // one protocol operation per turn
            }
        } catch (IOException | RuntimeException e) {
            exceptionCaught(ctx, e);
            return;
        }
        inbound.discardSomeReadBytes();
    }

    /** Handles one complete operation from the server; false when more bytes are needed. */
    private boolean readOne() throws IOException {
        int start = inbound.readerIndex();
        int lineEnd = inbound.indexOf(start, inbound.writerIndex(), (byte) '\n');
        if (lineEnd < 0) {
            if (inbound.readableBytes() > MAX_CONTROL_LINE) {
                throw new IOException("NATS sent a control line longer than " + MAX_CONTROL_LINE + " bytes");
            }
            return false;
        }
        int textEnd = lineEnd > start && inbound.getByte(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
        String line = inbound.toString(start, textEnd - start, StandardCharsets.UTF_8);
        int words = splitAtSpaces(line);
        String op = line.substring(0, wordEnds[0]).toUpperCase(java.util.Locale.ROOT);
        switch (op) {
            case "MSG", "HMSG" -> {
                // MSG <subject> <sid> [reply-to] <size>; HMSG <subject> <sid> [reply-to] <header size> <size>
                boolean withHeaders = op.equals("HMSG");
                if (words < (withHeaders ? 5 : 4) || words > (withHeaders ? 6 : 5)) {
                    throw new IOException("NATS sent a malformed " + op + ": " + abbreviate(line));
                }
                int total = number(line, words - 1);
                int headerLength = withHeaders ? number(line, words - 2) : 0;
                if (inbound.writerIndex() - (lineEnd + 1) < total + 2) {
                    return false; // the message body has not all arrived
                }
                int body = lineEnd + 1;
                byte[] header = headerLength == 0 ? null : ByteBufUtil.getBytes(inbound, body, headerLength);
                byte[] data = ByteBufUtil.getBytes(inbound, body + headerLength, total - headerLength);
                inbound.readerIndex(body + total + 2);
                String replyTo = words == (withHeaders ? 6 : 5) ? word(line, 3) : null;
                String subject = word(line, 1);
                if (wordEnds[2] - wordEnds[1] == 2 && line.charAt(wordEnds[1] + 1) == '1') { // sid 1: the PubAck inbox
                    onReply(subject, header, data);
                } else {
                    onMessage(subject, word(line, 2), replyTo, header, data);
                }
                return true;
            }
            case "PING" -> {
                writeNow(PONG);
                serverPingsAnswered++;
            }
            case "PONG" -> {
                Runnable onPong = pongActions.poll();
                if (onPong != null) {
                    onPong.run();
                }
            }
            case "INFO" -> onInfo(line.substring(4).trim());
            case "-ERR" -> onError(line.substring(4).trim());
            case "+OK" -> {
            }
            default -> throw new IOException("NATS sent an unknown operation: " + abbreviate(line));
        }
        inbound.readerIndex(lineEnd + 1);
        return true;
    }

    /** Where each word of the control line being read ends (the index of the space after it, or the line's end). */
    private final int[] wordEnds = new int[8];

    /**
     * Splits a control line at single spaces, as {@code split(" ")} would for the at most 6 words of a MSG or HMSG
     * (the words past the eighth are left in the last), without making the words the caller does not need.
     *
     * @return the number of words
     */
    private int splitAtSpaces(String line) {
        int words = 0;
        int from = 0;
        while (words < wordEnds.length - 1) {
            int space = line.indexOf(' ', from);
            if (space < 0) {
                break;
            }
            wordEnds[words++] = space;
            from = space + 1;
        }
        wordEnds[words++] = line.length();
        return words;
    }

    private String word(String line, int index) {
        return line.substring(wordStart(index), wordEnds[index]);
    }

    private int number(String line, int index) {
        return Integer.parseInt(line, wordStart(index), wordEnds[index], 10);
    }

    private int wordStart(int index) {
        return index == 0 ? 0 : wordEnds[index - 1] + 1;
    }

    private void onInfo(String json) throws IOException {
        JsonNode info = JSON.readTree(json);
        maxPayload = info.path("max_payload").asLong(maxPayload);
        if (handshakeDone) {
            return; // cluster updates and lame-duck notices: the connection is dropped by the server when it goes
        }
        if (info.path("tls_required").asBoolean(false)) {
            throw new IOException("NATS at " + endpoint + " requires TLS");
        }
        if (!info.path("headers").asBoolean(true)) {
            throw new IOException("NATS at " + endpoint + " does not support headers (nats-server 2.2 or newer needed)");
        }
        ObjectNode connect = JSON.createObjectNode()
                .put("verbose", false).put("pedantic", false).put("tls_required", false)
                .put("name", connectionName).put("lang", "java").put("version", "pharmabridge")
                .put("protocol", 1).put("headers", true).put("no_responders", true).put("echo", true);
        endpoint.addCredentials(connect);
        Channel c = channel;
        c.write(c.alloc().buffer().writeBytes(("CONNECT " + connect + "\r\n").getBytes(StandardCharsets.UTF_8)),
                c.voidPromise());
        StringBuilder subs = new StringBuilder("SUB ").append(inboxPrefix).append("* 1\r\n");
        // Subscriptions made before this connection (or on the one lost) are made again.
        subscriptions.forEach((sid, subscribed) -> subs.append("SUB ").append(subscribed.subject()).append(' ')
                .append(sid).append("\r\n"));
        c.write(c.alloc().buffer().writeBytes(subs.toString().getBytes(StandardCharsets.US_ASCII)), c.voidPromise());
        // The server answers a PING only after it has accepted CONNECT and SUB.
        pongActions.add(this::becomeReady);
        c.writeAndFlush(c.alloc().buffer().writeBytes(PING), c.voidPromise());
        handshakeDone = true;
    }

    private void becomeReady() {
        if (ready || closing || channel == null) {
            return;
        }
        ready = true;
        connectionsReady++;
        lastProblem = null;
        long period = Math.max(10, TimeUnit.NANOSECONDS.toMillis(publishTimeoutNanos) / 10);
        ackTimer = loop.scheduleAtFixedRate(this::expireAcks, period, period, TimeUnit.MILLISECONDS);
        pingsUnanswered = 0;
        pingTimer = loop.scheduleAtFixedRate(this::ping, PING_INTERVAL_SECONDS, PING_INTERVAL_SECONDS,
                TimeUnit.SECONDS);
        LOG.info("NATS publishing connection of {} ready ({})", loopName(), endpoint);
    }

    /** A server that vanished without closing the socket is noticed here, as jnats does with its own pings. */
    private void ping() {
        if (channel == null) {
            return;
        }
        if (pingsUnanswered >= MAX_PINGS_UNANSWERED) {
            LOG.warn("NATS publishing connection of {} answered none of {} pings; reconnecting", loopName(),
                    pingsUnanswered);
            channel.close();
            return;
        }
        pingsUnanswered++;
        sendPing(() -> pingsUnanswered--);
    }

    private void onError(String error) {
        lastProblem = "NATS error: " + error;
        LOG.warn("NATS error on the publishing connection of {}: {}", loopName(), error);
        // Authorization and protocol errors are followed by the server closing the connection.
    }

    private void onMessage(String subject, String sid, String replyTo, byte[] header, byte[] data) {
        Subscribed subscribed;
        try {
            subscribed = subscriptions.get(Integer.parseInt(sid));
        } catch (NumberFormatException e) {
            return;
        }
        if (subscribed == null) {
            return; // unsubscribed while the server was already sending
        }
        try {
            subscribed.receiver().onMessage(subject, replyTo, ReceivedHeaders.of(header), data);
        } catch (RuntimeException e) {
            // One subscriber's failure must not drop the connection every device on this loop publishes through.
            LOG.error("Delivering a message on {} failed", subject, e);
        }
    }

    private void onReply(String subject, byte[] header, byte[] data) {
        if (!subject.startsWith(inboxPrefix)) {
            return;
        }
        long id;
        try {
            id = Long.parseLong(subject, inboxPrefix.length(), subject.length(), 10);
        } catch (NumberFormatException e) {
            return;
        }
        PendingAck pending = pendingAcks.remove(id);
        if (pending == null) {
            return; // answered after it timed out
        }
        if (header != null && new String(header, StandardCharsets.US_ASCII).startsWith("NATS/1.0 503")) {
            pending.future().completeExceptionally(
                    new IOException("no JetStream stream answered for this subject (503 no responders)"));
            return;
        }
        try {
            pending.future().complete(new PublishAck(new NatsMessage(subject, null, data)));
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            pending.future().completeExceptionally(e);
        }
    }

    private void expireAcks() {
        long now = System.nanoTime();
        Iterator<PendingAck> oldestFirst = pendingAcks.values().iterator();
        while (oldestFirst.hasNext()) {
            PendingAck pending = oldestFirst.next();
            if (pending.deadline() - now > 0) {
                return; // all later ones were sent later, with the same timeout
            }
            oldestFirst.remove();
            pending.future().completeExceptionally(new TimeoutException("JetStream did not confirm in time"));
        }
    }

    private void failPending(RuntimeException failure) {
        if (pendingAcks.isEmpty()) {
            return;
        }
        Map<Long, PendingAck> failed = new LinkedHashMap<>(pendingAcks);
        pendingAcks.clear();
        failed.values().forEach(p -> p.future().completeExceptionally(failure));
    }

    /**
     * Writes what is queued, waits for the server to have read it (a PING answered), then closes. Called at shutdown,
     * after devices have gone.
     */
    CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (loop.isShuttingDown()) {
            done.complete(null); // its channels close with it
            return done;
        }
        try {
            loop.execute(() -> closeOnLoop(done));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.complete(null); // the loop stopped meanwhile, closing its channels
        }
        return done;
    }

    private void closeOnLoop(CompletableFuture<Void> done) {
        closing = true;
        if (reconnect != null) {
            reconnect.cancel(false);
        }
        Channel c = channel;
        if (c == null || !ready) {
            if (c != null) {
                c.close();
            }
            done.complete(null);
            return;
        }
        drained = done;
        ready = false;
        sendPing(() -> {
            if (channel != null) {
                channel.close();
            }
        });
        loop.schedule(() -> {
            if (channel != null) {
                channel.close();
            }
        }, 2, TimeUnit.SECONDS);
    }

    private String loopName() {
        return connectionName;
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}
