package com.pharmabridge.gateway.session;

import com.pharmabridge.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;

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
        new DeviceSession(services, socket, Vertx.currentContext(), router).start();
    }

    /** New connections are refused from now on (shutdown). */
    public void stopAccepting() {
        accepting = false;
    }
}
