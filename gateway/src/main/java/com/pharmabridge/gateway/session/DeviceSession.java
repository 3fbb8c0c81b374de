package com.pharmabridge.gateway.session;

import com.pharmabridge.gateway.audit.AuditEvent;
import com.pharmabridge.gateway.auth.AuthenticatedDevice;
import com.pharmabridge.gateway.config.GatewayConfig;
import com.pharmabridge.gateway.metrics.GatewayMetrics;
import com.pharmabridge.gateway.policy.DeviceLimits;
import com.pharmabridge.gateway.policy.EffectiveLimits;
import com.pharmabridge.protocol.CloseCode;
import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.EnvelopeDecodeException;
import com.pharmabridge.protocol.EnvelopeDecoder;
import com.pharmabridge.protocol.EnvelopeWriter;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.MessageType;
import com.pharmabridge.protocol.ProtocolException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.pharmabridge.gateway.logging.MessageLogContext;
import com.pharmabridge.gateway.bridge.NatsHeaders;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket connection. It reassembles messages, routes each to its handler, and owns the connection's state.
 * All state is confined to the connection's event loop; work finishing on NATS threads comes back through
 * {@link #onContext}.
 */
public final class DeviceSession {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceSession.class);
    private static final long CLOSE_DRAIN_TIMEOUT_MS = 5_000;
    private static final int TOO_LARGE_PREFIX = 4096;
    /** Far above any keep-alive, far below what would cost the gateway anything. */
    private static final int MAX_PINGS_PER_SECOND = 50;
    /** Every so many messages of a connection one is timed for gateway_processing_seconds (a power of two). */
    private static final int PROCESSING_SAMPLE = 8;
    /** Handed-over tasks one drain runs before it lets the event loop serve other connections. */
    private static final int MAX_HAND_OVER_PER_TURN = 256;
    private static final java.util.regex.Pattern CORRELATION_ID =
            java.util.regex.Pattern.compile("\"correlationId\"\\s*:\\s*\"([A-Za-z0-9_.:\\-]{1,128})\"");

    private final GatewayServices services;
    private final ServerWebSocket socket;
    private final Context context;
    private final SessionRouter router;
    private final String remoteAddress;
    private final Instant openedAt = Instant.now();
    private final GatewayConfig.Server limits;
    private EffectiveLimits deviceLimits;
    private TokenBucket rate;
    private TokenBucket bytes;
    private final Map<String, DeviceSubscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, Long> answerableReplies = new HashMap<>();
    private final Map<String, DurableSubscription.Delivery> awaitingDeviceAck = new HashMap<>();
    private final ArrayDeque<String> outbound = new ArrayDeque<>();
    /** What {@link #outbound} holds, in characters (two bytes each on the heap). */
    private long outboundChars;
    /** Work handed over from NATS threads, run by {@link #drainHandOver} on the event loop. */
    private final ConcurrentLinkedQueue<Runnable> handOver = new ConcurrentLinkedQueue<>();
    /** 1 while a drain is scheduled. A field updater, not an AtomicBoolean: 16 bytes less per connection. */
    private volatile int handOverScheduled;
    private static final AtomicIntegerFieldUpdater<DeviceSession> HAND_OVER_SCHEDULED =
            AtomicIntegerFieldUpdater.newUpdater(DeviceSession.class, "handOverScheduled");
    /** Where this session writes its frames itself (see {@link DirectFrames}); null: through Vert.x's WebSocket. */
    private io.vertx.core.net.impl.VertxConnection directFrames;
    /** The frames written in this turn of the loop, still to go to the channel; null when none. */
    private io.netty.buffer.ByteBuf framesThisTurn;
    private Runnable writeFramesTask;
    private final AtomicLong messagesIn = new AtomicLong();
    private final AtomicLong messagesOut = new AtomicLong();

    private volatile AuthenticatedDevice device;
    /**
     * The device's id and type and the gateway's id are printable ASCII, checked once at authentication: every
     * publish puts them in its headers, and checking them there each time was part of 4 % of a loop's time.
     */
    private boolean identityHeadersVerified;
    private volatile Instant authenticatedAt;
    private long authTimer = -1;
    private long pingTimer = -1;
    private long pongDeadlineTimer = -1;
    /** Ends the session when its signed credential expires. */
    private long credentialTimer = -1;
    private boolean closed;
    private boolean closedByGateway;
    private boolean clockSkewLogged;
    private CloseCode pendingClose;
    private String pendingCloseReason;
    private boolean shuttingDown;
    private int inFlight;
    private boolean pausedForInFlight;
    private boolean pausedForCongestion;
    private boolean pausedForWrites;
    /** While set, {@link #send} writes even when the socket is full (the slow-consumer notice). */
    private boolean writePastLimit;
    private long pingWindowStart;
    private int pingsInWindow;
    private int droppedSinceNotice;
    private int processedMessages;

    private Buffer partial;
    private boolean partialBinary;
    private boolean partialTooLarge;
    private String tooLargePrefix;
    private boolean inMessage;

    DeviceSession(GatewayServices services, ServerWebSocket socket, Context context, SessionRouter router) {
        this.services = services;
        this.socket = socket;
        this.context = context;
        this.router = router;
        this.limits = services.config().gateway();
        applyLimits(EffectiveLimits.resolve(limits, null));
        this.remoteAddress = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().toString();
    }

    /** Wires the socket's handlers; called once on the connection's event loop. */
    void start() {
        services.sessions().opened(this);
        services.metrics().connectionOpened();
        directFrames = DirectFrames.connectionOf(socket);
        socket.frameHandler(this::onFrame);
        socket.pongHandler(pong -> onPong());
        socket.drainHandler(v -> onDrain());
        socket.exceptionHandler(this::onSocketError);
        socket.closeHandler(v -> onClosed());
        authTimer = services.vertx().setTimer(limits.authenticationTimeout().toMillis(), id -> {
            authTimer = -1;
            if (device == null && !closed) {
                refuse(new ProtocolException(ErrorCode.AUTH_TIMEOUT, "No Auth within "
                        + limits.authenticationTimeout().toSeconds() + " s"), null, null);
            }
        });
    }

    /** Netty reports frame-level violations here; Vert.x leaves the close to us, so the device learns why. */
    private void onSocketError(Throwable e) {
        if (e instanceof CorruptedWebSocketFrameException corrupted) {
            CloseCode code = CloseCode.fromCode(corrupted.closeStatus().code());
            close(code == null ? CloseCode.PROTOCOL_ERROR : code, corrupted.getMessage());
        } else {
            LOG.debug("Socket error from {}: {}", remoteAddress, e.toString());
        }
    }

    // ---- inbound -------------------------------------------------------------------------------------------------

    private void onFrame(WebSocketFrame frame) {
        if (closed || pendingClose != null || socket.isClosed()) {
            return;
        }
        // Answers that cannot be written mean the device is not reading: stop reading it too, or whatever it
        // sends (pings, which the WebSocket layer answers at once, among them) would pile up here.
        if (writeQueueFull() && !pausedForWrites) {
            pausedForWrites = true;
            socket.pause();
        }
        if (frame.isPing() && tooManyPings()) {
            close(CloseCode.POLICY_VIOLATION, "More than " + MAX_PINGS_PER_SECOND + " ping frames per second");
            return;
        }
        if (!(frame.isText() || frame.isBinary() || frame.isContinuation())) {
            return; // ping, pong and close frames are the WebSocket layer's business
        }
        if (!frame.isContinuation()) {
            if (inMessage) {
                refuse(new ProtocolException(ErrorCode.INVALID_MESSAGE, "New message started before the last ended"),
                        null, null);
            }
            inMessage = true;
            partialBinary = frame.isBinary();
            partialTooLarge = false;
            partial = null;
        } else if (!inMessage) {
            refuse(new ProtocolException(ErrorCode.INVALID_MESSAGE, "Continuation frame without a message"), null, null);
            return;
        }
        Buffer data = frame.binaryData();
        if (!partialTooLarge) {
            int size = (partial == null ? 0 : partial.length()) + data.length();
            if (size > limits.maxMessageSize()) {
                partialTooLarge = true;
                tooLargePrefix = prefixOf(partial, data);
                partial = null;
            } else if (frame.isFinal() && partial == null) {
                partial = data;
            } else {
                if (partial == null) {
                    partial = Buffer.buffer(Math.min(limits.maxMessageSize(), Math.max(256, data.length() * 2)));
                }
                partial.appendBuffer(data);
            }
        }
        if (frame.isFinal()) {
            inMessage = false;
            Buffer message = partial;
            partial = null;
            if (partialTooLarge) {
                countInbound(null, 0);
                String correlationId = correlationIdIn(tooLargePrefix);
                tooLargePrefix = null;
                refuse(new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, "Message is larger than "
                        + limits.maxMessageSize() + " bytes"), correlationId, null);
            } else if (partialBinary) {
                countInbound(null, message.length());
                refuse(new ProtocolException(ErrorCode.INVALID_MESSAGE, "Binary messages are not accepted; send JSON text"),
                        null, null);
            } else {
                onMessage(bytesOf(message));
            }
        }
    }

    /**
     * The message's bytes: for a message of one frame the array Vert.x already copied the frame into (nothing else
     * holds or reuses it), otherwise a copy. One copy less per message (~5 % of what a round trip allocated). The
     * buffer is looked at through {@code byteBuf()}: {@code getByteBuf()} makes a slice each time (3 % of a loop).
     */
    private static byte[] bytesOf(Buffer message) {
        if (message instanceof io.vertx.core.buffer.impl.BufferImpl impl) {
            io.netty.buffer.ByteBuf buffer = impl.byteBuf();
            if (buffer.hasArray() && buffer.arrayOffset() + buffer.readerIndex() == 0
                    && buffer.array().length == buffer.readableBytes()) {
                return buffer.array();
            }
        }
        return message.getBytes();
    }

    /** Vert.x throws once the socket is closed (frames can still be in flight then): closed counts as full. */
    private boolean writeQueueFull() {
        try {
            return socket.isClosed() || socket.writeQueueFull();
        } catch (IllegalStateException alreadyClosed) {
            return true;
        }
    }

    private boolean tooManyPings() {
        long now = System.nanoTime();
        if (now - pingWindowStart > 1_000_000_000L) {
            pingWindowStart = now;
            pingsInWindow = 0;
        }
        return ++pingsInWindow > MAX_PINGS_PER_SECOND;
    }

    private void onDrain() {
        if (pausedForWrites) {
            pausedForWrites = false;
            resumeIfFree();
        }
        flushOutbound();
    }

    /** The start of an oversized message, kept only to find its correlation id for the refusal. */
    private static String prefixOf(Buffer partial, Buffer data) {
        Buffer head = partial == null ? data : partial;
        return head.getString(0, Math.min(head.length(), TOO_LARGE_PREFIX), "UTF-8");
    }

    private static String correlationIdIn(String prefix) {
        if (prefix == null) {
            return null;
        }
        java.util.regex.Matcher m = CORRELATION_ID.matcher(prefix);
        return m.find() ? m.group(1) : null;
    }

    private void onMessage(byte[] bytes) {
        Envelope envelope;
        try {
            envelope = services.decoder().decode(bytes, 0, bytes.length, services.validator().inspector());
        } catch (EnvelopeDecodeException e) {
            countInbound(null, bytes.length);
            if (device == null) {
                refuse(new ProtocolException(ErrorCode.AUTH_REQUIRED, "The first message must be Auth"), null, null);
            } else {
                refuse(e, e.correlationId(), e.subject());
            }
            return;
        } catch (RuntimeException defect) {
            // A bug in decoding or a payload check must still get the device an answer, not a silent drop.
            countInbound(null, bytes.length);
            internalError(defect, EnvelopeDecoder.plainCorrelationId(bytes, 0, bytes.length), null);
            return;
        }
        countInbound(envelope.type(), bytes.length);
        // One message in PROCESSING_SAMPLE is timed: the clock and the histogram cost more than the rest of the
        // metrics together (measured about 0.2 us a message), so the histogram is a sample of every connection.
        long started = (++processedMessages & (PROCESSING_SAMPLE - 1)) == 0 ? System.nanoTime() : 0;
        MessageLogContext logContext = MessageLogContext.enter(device == null ? null : device.deviceId(),
                envelope.correlationId());
        try {
            router.route(this, envelope);
        } catch (ProtocolException e) {
            refuse(e, envelope.correlationId(), envelope.subject());
        } catch (RuntimeException e) {
            internalError(e, envelope.correlationId(), envelope.subject());
        } finally {
            logContext.exit();
            if (started != 0) {
                services.metrics().processed(envelope.type(), System.nanoTime() - started);
            }
        }
    }

    private void countInbound(MessageType type, int bytes) {
        messagesIn.incrementAndGet();
        if (type != null) {
            services.metrics().received(type, bytes);
        }
    }

    // ---- outbound ------------------------------------------------------------------------------------------------

    /** Queues a message for the device; when it reads too slowly the oldest queued messages are dropped. */
    void send(MessageType type, String text) {
        if (closed || deliveryAfterCloseDecided(type)) {
            return;
        }
        messagesOut.incrementAndGet();
        services.metrics().sent(type, text.length());
        writeOrQueue(text, null);
    }

    /**
     * Once the gateway has decided to close the connection, a delivery could only be lost behind the close (or, for
     * a device cut off as a slow consumer, overflow the queue again and again): it is counted as dropped instead.
     * Answers to what the device sent (Acks, Errors) still go out before the close.
     */
    private boolean deliveryAfterCloseDecided(MessageType type) {
        if (pendingClose != null && type == MessageType.MESSAGE) {
            services.metrics().outgoingDropped(1);
            return true;
        }
        return false;
    }

    /**
     * As {@link #send(MessageType, String)} for a delivery built once for many devices, except that the caller counts
     * it in the gateway's metrics (once for all of them). On the loop only.
     *
     * @return whether it was written or queued
     */
    boolean sendShared(DirectFrames.Shared envelope) {
        if (closed || deliveryAfterCloseDecided(MessageType.MESSAGE)) {
            return false;
        }
        messagesOut.incrementAndGet();
        writeOrQueue(null, envelope);
        return true;
    }

    /** Writes at once while nothing waits and the socket takes more; queues otherwise. {@code text} or {@code shared}. */
    private void writeOrQueue(String text, DirectFrames.Shared shared) {
        if ((outbound.isEmpty() && !writeQueueFull()) || writePastLimit) {
            writeText(text, shared);
        } else {
            queue(shared == null ? text : shared.text());
        }
    }

    private void queue(String text) {
        outbound.addLast(text);
        outboundChars += text.length();
        if (outbound.size() > deviceLimits.outgoingBufferSize() || outboundChars > limits.outgoingBufferBytes()) {
            if (pendingClose != null) { // closing already: answers only, and only so many
                outboundChars -= outbound.pollLast().length();
                services.metrics().outgoingDropped(1);
                return;
            }
            if (deviceLimits.slowConsumerPolicy() == DeviceLimits.SlowConsumerPolicy.DISCONNECT) {
                services.metrics().outgoingDropped(outbound.size());
                outbound.clear();
                outboundChars = 0;
                // The notice goes into the socket past its limit (one small frame), so that a device which reads
                // again finds why, then the close, instead of a bare close after the drain timeout.
                writePastLimit = true;
                try {
                    refuse(new ProtocolException(ErrorCode.SLOW_CONSUMER, "More than "
                            + deviceLimits.outgoingBufferSize() + " messages waited for this device"), null, null);
                } finally {
                    writePastLimit = false;
                }
                close(CloseCode.SLOW_CONSUMER, "Slow consumer");
                return;
            }
            // Oldest first, until both the count and the memory are within bounds again.
            while (!outbound.isEmpty() && (outbound.size() > deviceLimits.outgoingBufferSize()
                    || outboundChars > limits.outgoingBufferBytes())) {
                outboundChars -= outbound.pollFirst().length();
                droppedSinceNotice++;
                services.metrics().outgoingDropped(1);
            }
        }
    }

    private void flushOutbound() {
        while (!outbound.isEmpty() && !writeQueueFull() && !closed) {
            String next = outbound.pollFirst();
            outboundChars -= next.length();
            writeText(next, null);
        }
        if (outbound.isEmpty() && droppedSinceNotice > 0 && !closed && !writeQueueFull()) {
            int dropped = droppedSinceNotice;
            droppedSinceNotice = 0;
            String text = EnvelopeWriter.of(MessageType.ERROR)
                    .rawPayload("{\"code\":\"SLOW_CONSUMER\",\"message\":\"" + dropped
                            + " messages were dropped because the device read too slowly\",\"dropped\":" + dropped + "}")
                    .build();
            services.metrics().error(ErrorCode.SLOW_CONSUMER);
            writeText(text, null);
        }
        if (pendingClose != null && outbound.isEmpty()) {
            finishClose();
        }
    }

    /** Bytes of frames gathered in one turn of the loop beyond which they go to the channel at once. */
    private static final int MAX_FRAMES_PER_WRITE_BYTES = 32 * 1024;

    /**
     * Writes one text message: gathered with the others of this turn of the loop and handed to the channel as one
     * buffer when the turn's tasks run (or sooner, past {@link #MAX_FRAMES_PER_WRITE_BYTES}, so Netty's writability
     * and so {@link #writeQueueFull()} still see a device that does not read). Either {@code text} or a fan-out's
     * {@code shared} envelope, whose bytes are already made (its text only where Vert.x writes the frame). On the loop
     * only.
     */
    private void writeText(String text, DirectFrames.Shared shared) {
        io.vertx.core.net.impl.VertxConnection direct = directFrames;
        if (direct != null && !direct.channel().eventLoop().inEventLoop()) {
            context.runOnContext(v -> writeText(text, shared)); // the turn's buffer belongs to the loop
            return;
        }
        if (direct == null) {
            socket.writeTextMessage(shared == null ? text : shared.text());
            return;
        }
        byte[] utf8 = shared == null ? null : shared.utf8();
        int length = utf8 != null ? utf8.length : io.netty.buffer.ByteBufUtil.utf8Bytes(text);
        if (length > limits.maxFrameSize()) {
            writeFramesNow(); // Vert.x splits it into frames the device accepts; it must follow what came before
            socket.writeTextMessage(shared == null ? text : shared.text());
            return;
        }
        io.netty.buffer.ByteBuf frames = framesThisTurn;
        if (frames == null) {
            frames = framesThisTurn = direct.channel().alloc().directBuffer(
                    Math.max(512, length + DirectFrames.MAX_HEADER));
            if (writeFramesTask == null) {
                writeFramesTask = this::writeFramesNow;
            }
            direct.channel().eventLoop().execute(writeFramesTask);
        }
        DirectFrames.writeTextHeader(frames, length);
        if (utf8 != null) {
            frames.writeBytes(utf8);
        } else {
            io.netty.buffer.ByteBufUtil.reserveAndWriteUtf8(frames, text, length);
        }
        if (frames.readableBytes() >= MAX_FRAMES_PER_WRITE_BYTES) {
            writeFramesNow();
        }
    }

    /** Hands the frames gathered in this turn to the channel (through Vert.x: its queue and order hold). */
    private void writeFramesNow() {
        io.netty.buffer.ByteBuf frames = framesThisTurn;
        if (frames == null) {
            return;
        }
        framesThisTurn = null;
        if (socket.isClosed()) {
            frames.release(); // nothing may follow a close frame
            return;
        }
        directFrames.writeToChannel(frames, directFrames.channel().voidPromise());
    }

    /** Adds an event of this session's device to the audit trail. */
    void audit(String action, String outcome, java.util.Map<String, Object> details) {
        services.audit().record(AuditEvent.device(deviceId(), action, outcome, remoteAddress, details));
    }

    /** Sends an Error for a refused message, and closes the connection when the code requires it. */
    void refuse(ProtocolException problem, String correlationId, String subject) {
        if (closed) {
            return;
        }
        ErrorCode code = problem.code();
        services.metrics().error(code);
        if (code != ErrorCode.AUTH_FAILED) { // a refused login has its own record
            // One record per device and code every few seconds, with the count held back: a flood of refused
            // messages must not flood the trail, and none may go uncounted.
            java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
            details.put("code", code.wireName());
            if (subject != null) {
                details.put("subject", subject.length() > 256 ? subject.substring(0, 256) : subject);
            }
            details.put("message", problem.getMessage());
            services.audit().recordThrottled((deviceId() == null ? remoteHost() : deviceId()) + "|" + code,
                    AuditEvent.device(deviceId(), "message.refused", "refused", remoteAddress, details));
        }
        StringBuilder payload = new StringBuilder(96).append("{\"code\":\"").append(code.wireName())
                .append("\",\"message\":");
        EnvelopeWriter.quote(payload, problem.getMessage());
        if (problem instanceof RateLimited limited) {
            payload.append(",\"retryAfterMs\":").append(limited.retryAfterMs());
        }
        if (problem instanceof Referenced referenced) {
            payload.append(",\"reference\":\"").append(referenced.reference()).append('"');
        }
        payload.append('}');
        send(MessageType.ERROR, EnvelopeWriter.of(MessageType.ERROR).correlationId(correlationId).subject(subject)
                .rawPayload(payload).build());
        if (code.closes() != null) {
            close(code.closes(), problem.getMessage());
        }
    }

    void internalError(Throwable e, String correlationId, String subject) {
        String reference = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("Internal error {} handling a message from {} ({})", reference, deviceId(), remoteAddress, e);
        refuse(new Referenced(reference), correlationId, subject);
    }

    /**
     * The one place where the gateway closes a device's connection. Messages still queued for the device (Acks and
     * Errors among them) are written first; a device that does not read them within a few seconds is cut off.
     */
    public void close(CloseCode code, String reason) {
        if (closed || pendingClose != null) {
            return;
        }
        closedByGateway = true;
        services.metrics().closedByGateway(code);
        LOG.info("Closing connection of {} from {}: {} {}", deviceId() == null ? "unauthenticated device" : deviceId(),
                remoteAddress, code.code(), reason);
        pendingClose = code;
        pendingCloseReason = reason == null ? "" : reason.length() > 120 ? reason.substring(0, 120) : reason;
        socket.pause();
        flushOutbound();
        if (pendingClose != null) {
            services.vertx().setTimer(CLOSE_DRAIN_TIMEOUT_MS, id -> {
                outbound.clear();
                outboundChars = 0;
                finishClose();
            });
        }
    }

    private void finishClose() {
        if (closed || pendingClose == null) {
            return;
        }
        writeFramesNow();
        socket.close((short) pendingClose.code(), pendingCloseReason);
        onClosed();
    }

    private void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        if (!closedByGateway) {
            services.metrics().closedByDevice();
        }
        cancelTimers();
        for (DeviceSubscription subscription : new ArrayList<>(subscriptions.values())) {
            subscription.detach();
        }
        subscriptions.clear();
        awaitingDeviceAck.clear();
        outbound.clear();
        outboundChars = 0;
        services.sessions().ended(this);
        if (device != null) {
            LOG.info("Session of {} ended", device.deviceId());
            java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
            details.put("closedBy", closedByGateway ? "gateway" : "device");
            if (closedByGateway && pendingClose != null) {
                details.put("code", pendingClose.code());
                details.put("reason", pendingCloseReason);
            } else if (socket.closeStatusCode() != null) {
                details.put("code", socket.closeStatusCode().intValue());
                if (socket.closeReason() != null) {
                    details.put("reason", socket.closeReason());
                }
            }
            audit("session.end", "info", details);
        }
    }

    private void cancelTimers() {
        for (long timer : new long[]{authTimer, pingTimer, pongDeadlineTimer, credentialTimer}) {
            if (timer >= 0) {
                services.vertx().cancelTimer(timer);
            }
        }
        authTimer = pingTimer = pongDeadlineTimer = credentialTimer = -1;
    }

    // ---- authentication and keep-alive ---------------------------------------------------------------------------

    private void applyLimits(EffectiveLimits effective) {
        deviceLimits = effective;
        rate = new TokenBucket(effective.messageRateLimitPerSecond(), effective.messageRateBurst());
        // A byte budget smaller than the largest allowed message would refuse that message forever.
        bytes = effective.bytesPerSecond() <= 0 ? null
                : new TokenBucket(effective.bytesPerSecond(), Math.max(effective.bytesPerSecond(), limits.maxMessageSize()));
    }

    boolean identityHeadersVerified() {
        return identityHeadersVerified;
    }

    void authenticated(AuthenticatedDevice authenticatedDevice) {
        // Before the device is published (volatile): whoever sees the device sees its check
        identityHeadersVerified = NatsHeaders.isPrintableAscii(authenticatedDevice.deviceId())
                && NatsHeaders.isPrintableAscii(authenticatedDevice.deviceType())
                && NatsHeaders.isPrintableAscii(services.config().gateway().id());
        this.device = authenticatedDevice;
        applyLimits(EffectiveLimits.resolve(limits, authenticatedDevice.limits()));
        this.authenticatedAt = Instant.now();
        if (authTimer >= 0) {
            services.vertx().cancelTimer(authTimer);
            authTimer = -1;
        }
        pingTimer = services.vertx().setPeriodic(limits.pingInterval().toMillis(), id -> sendPing());
        Instant expiresAt = authenticatedDevice.expiresAt();
        if (expiresAt != null) {
            long delay = Math.max(1, java.time.Duration.between(Instant.now(), expiresAt).toMillis());
            credentialTimer = services.vertx().setTimer(delay, id -> {
                credentialTimer = -1;
                close(CloseCode.POLICY_VIOLATION, "Credential expired");
            });
        }
    }

    private void sendPing() {
        if (closed || pongDeadlineTimer >= 0) {
            return;
        }
        socket.writePing(Buffer.buffer("pb"));
        pongDeadlineTimer = services.vertx().setTimer(limits.pingTimeout().toMillis(), id -> {
            pongDeadlineTimer = -1;
            close(CloseCode.GOING_AWAY, "No pong within " + limits.pingTimeout().toSeconds() + " s");
        });
    }

    private void onPong() {
        if (pongDeadlineTimer >= 0) {
            services.vertx().cancelTimer(pongDeadlineTimer);
            pongDeadlineTimer = -1;
        }
    }

    // ---- rate, back-pressure and in-flight publishes ---------------------------------------------------------------

    /** @return 0 when the message (of {@code size} bytes) may proceed, otherwise milliseconds until a retry may */
    long takeRateToken(int size) {
        long wait = rate.tryTake();
        if (wait > 0) {
            services.metrics().rateLimited(GatewayMetrics.RateLimit.MESSAGES);
        }
        if (wait > 0 || bytes == null) {
            return wait;
        }
        long byteWait = bytes.tryTake(size);
        if (byteWait > 0) {
            rate.giveBack(1);
            services.metrics().rateLimited(GatewayMetrics.RateLimit.BYTES);
        }
        return byteWait;
    }

    public EffectiveLimits limits() {
        return deviceLimits;
    }

    /** Flags a device clock that is off; logged once per session so a drifting clock does not flood the log. */
    void clockSkewed(long skewMillis) {
        services.metrics().clockSkewed();
        if (!clockSkewLogged) {
            clockSkewLogged = true;
            if (skewMillis == Long.MAX_VALUE) {
                LOG.warn("Device {} sent a timestamp that is not an ISO-8601 date-time; its messages carry "
                        + "Clock-Skew-Ms: unreadable", deviceId());
            } else {
                LOG.warn("Device {} clock is {} ms off the gateway's (limit {} s); its messages carry Clock-Skew-Ms",
                        deviceId(), skewMillis, limits.maxClockSkew().toSeconds());
            }
        }
    }

    void publishStarted() {
        inFlight++;
        if (inFlight >= limits.maxInFlightPublishes() && !pausedForInFlight) {
            pausedForInFlight = true;
            socket.pause();
        }
    }

    void publishFinished() {
        inFlight--;
        if (pausedForInFlight && inFlight <= limits.maxInFlightPublishes() / 2) {
            pausedForInFlight = false;
            resumeIfFree();
        }
        if (shuttingDown && inFlight == 0) {
            close(CloseCode.GOING_AWAY, "Gateway shutting down");
        }
    }

    /**
     * Pauses reading while NATS has more unsent data than it should: resumed by the event loop's publishing
     * connection when it drains, or by polling the jnats connection.
     */
    void checkCongestion() {
        if (pausedForCongestion || !services.bridge().isCongested()) {
            return;
        }
        pausedForCongestion = true;
        socket.pause();
        if (services.bridge().resumeWhenUncongested(() -> {
            pausedForCongestion = false;
            resumeIfFree();
        })) {
            return;
        }
        services.vertx().setPeriodic(2, id -> {
            if (closed || !services.bridge().isCongested()) {
                services.vertx().cancelTimer(id);
                pausedForCongestion = false;
                resumeIfFree();
            }
        });
    }

    private void resumeIfFree() {
        if (!closed && !pausedForInFlight && !pausedForCongestion && !pausedForWrites && !shuttingDown
                && pendingClose == null) {
            socket.fetch(Long.MAX_VALUE);
        }
    }

    /** Stops reading and closes with 1001 once every publish already read has been answered. */
    public void beginShutdown() {
        if (closed || shuttingDown) {
            return;
        }
        shuttingDown = true;
        socket.pause();
        if (inFlight == 0) {
            close(CloseCode.GOING_AWAY, "Gateway shutting down");
        }
    }

    // ---- replies and durable acknowledgements ------------------------------------------------------------------------

    void rememberReplySubject(String replyTo) {
        long now = System.nanoTime();
        if (answerableReplies.size() > 10_000) {
            answerableReplies.values().removeIf(expiry -> expiry - now < 0);
        }
        answerableReplies.put(replyTo, now + limits.requestTimeout().toNanos());
    }

    /** @return true when this reply subject was delivered to this device and has not expired; it is used up */
    boolean consumeReplySubject(String replyTo) {
        Long expiry = answerableReplies.remove(replyTo);
        return expiry != null && expiry - System.nanoTime() > 0;
    }

    void awaitDeviceAck(String ackId, DurableSubscription.Delivery delivery) {
        awaitingDeviceAck.put(ackId, delivery);
    }

    DurableSubscription.Delivery takeDeviceAck(String ackId) {
        return awaitingDeviceAck.remove(ackId);
    }

    void forgetDeliveries(DurableSubscription subscription) {
        Iterator<DurableSubscription.Delivery> it = awaitingDeviceAck.values().iterator();
        while (it.hasNext()) {
            if (it.next().subscription() == subscription) {
                it.remove();
            }
        }
    }

    // ---- accessors -------------------------------------------------------------------------------------------------

    /**
     * Runs {@code task} now when called on this session's event loop (a PubAck or a message read by the loop's own
     * NATS connection), otherwise as {@link #onContext}: an Ack then leaves in the same turn of the loop.
     */
    void onContextNow(Runnable task) {
        if (((io.vertx.core.internal.ContextInternal) context).nettyEventLoop().inEventLoop()) {
            try {
                task.run();
            } catch (RuntimeException e) {
                internalError(e, null, null);
            }
        } else {
            onContext(task);
        }
    }

    /**
     * Runs {@code task} on this connection's event loop; how NATS threads hand results back (deliveries, PubAcks).
     * Tasks go through one queue per session, drained by a single event-loop task that is scheduled only when the
     * queue was idle: a burst of messages for one device costs one hand-over instead of one per message. Tasks from
     * one thread run in the order they were handed over.
     */
    public void onContext(Runnable task) {
        handOver.offer(task);
        if (handOverScheduled == 0 && HAND_OVER_SCHEDULED.compareAndSet(this, 0, 1)) {
            context.runOnContext(v -> drainHandOver());
        }
    }

    private void drainHandOver() {
        // Cleared before polling: a task offered after the last poll finds it clear and schedules another drain.
        handOverScheduled = 0;
        Runnable task;
        int ran = 0;
        while ((task = handOver.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                internalError(e, null, null);
            }
            // A device flooded without pause must not keep the loop from its other connections.
            if (++ran == MAX_HAND_OVER_PER_TURN && !handOver.isEmpty()) {
                if (HAND_OVER_SCHEDULED.compareAndSet(this, 0, 1)) {
                    context.runOnContext(v -> drainHandOver());
                }
                return;
            }
        }
    }

    GatewayServices services() {
        return services;
    }

    Context context() {
        return context;
    }

    Map<String, DeviceSubscription> subscriptions() {
        return subscriptions;
    }

    public AuthenticatedDevice device() {
        return device;
    }

    public String deviceId() {
        AuthenticatedDevice d = device;
        return d == null ? null : d.deviceId();
    }

    public Instant authenticatedAt() {
        return authenticatedAt;
    }

    public Instant openedAt() {
        return openedAt;
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    /** The client certificate the TLS handshake verified, or {@code null} (plain ws, or no certificate sent). */
    public java.security.cert.X509Certificate clientCertificate() {
        if (!socket.isSsl()) {
            return null;
        }
        try {
            List<java.security.cert.Certificate> chain = socket.peerCertificates();
            return chain != null && !chain.isEmpty() && chain.get(0) instanceof java.security.cert.X509Certificate leaf
                    ? leaf : null;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** The remote host without its port: what login throttling counts per. */
    public String remoteHost() {
        return socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().host();
    }

    public List<String> subscriptionSubjects() {
        return List.copyOf(subscriptions.keySet());
    }

    public long messagesIn() {
        return messagesIn.get();
    }

    public long messagesOut() {
        return messagesOut.get();
    }

    /** Messages waiting for this device; read from other threads for metrics, so only approximately current. */
    public int outgoingQueued() {
        try {
            return outbound.size();
        } catch (RuntimeException racing) {
            return 0;
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** The RATE_LIMIT refusal, with when to retry. */
    static final class RateLimited extends ProtocolException {
        private final long retryAfterMs;

        RateLimited(long retryAfterMs) {
            super(ErrorCode.RATE_LIMIT, "Message rate limit exceeded; retry after " + retryAfterMs + " ms");
            this.retryAfterMs = retryAfterMs;
        }

        long retryAfterMs() {
            return retryAfterMs;
        }
    }

    /** An INTERNAL_ERROR whose details are in the gateway log under the reference. */
    static final class Referenced extends ProtocolException {
        private final String reference;

        Referenced(String reference) {
            super(ErrorCode.INTERNAL_ERROR, "Internal error; reference " + reference);
            this.reference = reference;
        }

        String reference() {
            return reference;
        }
    }
}
