package com.pharmabridge.gateway.bridge;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;

/**
 * A plain {@code nats://} server the event loops' own publishing connections can use: one server, no TLS, optional
 * user and password or token in the URL. Anything else (several servers, {@code tls://}, WebSocket) is left to jnats.
 */
record NatsEndpoint(String host, int port, String user, String password, String token) {

    /** @return the endpoint, or {@code null} when the URL needs what only jnats does (TLS, a server list, …) */
    static NatsEndpoint parse(String url) {
        if (url == null || url.contains(",")) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!"nats".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            return null;
        }
        int port = uri.getPort() < 0 ? 4222 : uri.getPort();
        // Decoded as jnats reads it, so that both connections log in alike.
        String userInfo = uri.getUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            return new NatsEndpoint(uri.getHost(), port, null, null, null);
        }
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            return new NatsEndpoint(uri.getHost(), port, null, null, userInfo);
        }
        return new NatsEndpoint(uri.getHost(), port, userInfo.substring(0, colon), userInfo.substring(colon + 1), null);
    }

    void addCredentials(ObjectNode connect) {
        if (token != null) {
            connect.put("auth_token", token);
        } else if (user != null) {
            connect.put("user", user).put("pass", password);
        }
    }

    /** Never the credentials: this text goes into logs. */
    @Override
    public String toString() {
        return "nats://" + host + ":" + port;
    }
}
