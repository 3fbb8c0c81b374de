package com.pharmabridge.gateway.session;

import com.pharmabridge.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.internal.http.WebSocketInternal;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.flush.FlushConsolidationHandler;

/** Accepts WebSocket upgrades on {@code /ws} and starts a session for each on the accepting event loop. */
public final class WebSocketEndpoint {
    public static final String PATH = "/ws";

    private final GatewayServices services;
    private final SessionRouter router = new SessionRouter();
    private final ConnectionRateLimiter newConnections;
    private volatile boolean accepting = true;

    public WebSocketEndpoint(GatewayServices services) {
        this.services = services;
        GatewayConfig.Server limits = services.config().gateway();
        this.newConnections = new ConnectionRateLimiter(limits.newConnectionsPerSecondPerHost(),
                limits.newConnectionBurstPerHost());
    }

    public void handshake(ServerWebSocketHandshake handshake) {
        GatewayConfig.Server limits = services.config().gateway();
        if (!PATH.equals(handshake.path())) {
            refuse(handshake, 404, "wrong_path");
        } else if (!accepting) {
            refuse(handshake, 503, "shutting_down");
        } else if (services.sessions().all().size() >= limits.maxConnections()) {
            refuse(handshake, 503, "max_connections");
        } else if (!newConnections.allow(handshake.remoteAddress() == null ? "unknown"
                : handshake.remoteAddress().host())) {
            refuse(handshake, 429, "connection_rate");
        } else {
            handshake.accept();
        }
    }

    private void refuse(ServerWebSocketHandshake handshake, int status, String reason) {
        services.metrics().connectionRefused(reason);
        handshake.reject(status);
    }

    public void connected(ServerWebSocket socket) {
        CompactWriteQueue.use(socket);
        coalesceFlushes(socket);
        new DeviceSession(services, socket, Vertx.currentContext(), router).start();
    }

    /**
     * Vert.x flushes every write made outside the connection's own read: a delivery or an Ack arriving from NATS
     * would cost one write(2) each. Behind this handler, flushes outside a read are put off to a task on the event
     * loop, so everything written to the connection in one turn of the loop leaves in one system call. Writes still
     * pass through Vert.x, so its write queue, writeQueueFull() and drain handler see them as before.
     */
    static void coalesceFlushes(ServerWebSocket socket) {
        if (socket instanceof WebSocketInternal internal) {
            ChannelHandlerContext vertx = internal.channelHandlerContext();
            if (vertx != null && vertx.pipeline().get(FlushConsolidationHandler.class) == null) {
                // Before Vert.x's handler, i.e. between it and the socket: its flushes pass through here.
                vertx.pipeline().addBefore(vertx.name(), "flushConsolidation",
                        new FlushConsolidationHandler(FLUSH_AT_MOST_EVERY, true));
            }
        }
    }

    /** Frames written before a flush is forced even within one turn of the loop (a few tens of KB). */
    private static final int FLUSH_AT_MOST_EVERY = 128;

    /** New connections are refused from now on (shutdown). */
    public void stopAccepting() {
        accepting = false;
    }
}
