package com.pharmabridge.gateway.session;

import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;

/** Accepts WebSocket upgrades on {@code /ws} and starts a session for each on the accepting event loop. */
public final class WebSocketEndpoint {
    public static final String PATH = "/ws";

    private final GatewayServices services;
    private final SessionRouter router = new SessionRouter();
    private volatile boolean accepting = true;

    public WebSocketEndpoint(GatewayServices services) {
        this.services = services;
    }

    public void handshake(ServerWebSocketHandshake handshake) {
        if (!PATH.equals(handshake.path())) {
            handshake.reject(404);
        } else if (!accepting) {
            handshake.reject(503);
        } else {
            handshake.accept();
        }
    }

    public void connected(ServerWebSocket socket) {
        new DeviceSession(services, socket, Vertx.currentContext(), router).start();
    }

    /** New connections are refused from now on (shutdown). */
    public void stopAccepting() {
        accepting = false;
    }
}
