package com.pharmabridge.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pharmabridge.gateway.session.DeviceSession;
import com.pharmabridge.gateway.session.GatewayServices;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Operator endpoints: /health (liveness), /ready (can the gateway store messages now?), /metrics (Prometheus text),
 * /devices and /devices/{id} (connected equipment; never a credential), and the live line view under /ui
 * (read-only; behind the operator's credential when one is configured).
 */
public final class HttpApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayServices services;
    private final LineFeed lineFeed;

    public HttpApi(GatewayServices services) {
        this(services, null);
    }

    /** @param lineFeed the line view's data, or {@code null} when {@code ui.enabled} is false */
    public HttpApi(GatewayServices services, LineFeed lineFeed) {
        this.services = services;
        this.lineFeed = lineFeed;
    }

    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        if (lineFeed != null) {
            new LineViewRoutes(services, lineFeed).mount(router);
        }
        router.get("/health").handler(this::health);
        router.get("/ready").handler(this::ready);
        router.get("/health/ready").handler(this::ready);
        router.get("/metrics").handler(this::metrics);
        router.get("/devices").handler(this::devices);
        router.get("/devices/:id").handler(this::device);
        return router;
    }

    private void health(RoutingContext ctx) {
        json(ctx, 200, JSON.createObjectNode().put("status", "UP").put("gatewayId", services.config().gateway().id()));
    }

    private void ready(RoutingContext ctx) {
        boolean ready = services.bridge().isReady();
        ObjectNode body = JSON.createObjectNode()
                .put("status", ready ? "READY" : "NOT_READY")
                .put("natsConnected", services.bridge().isConnected())
                .put("problem", services.bridge().problem());
        ArrayNode drift = body.putArray("streamDrift");
        services.bridge().streamDrift().forEach(drift::add);
        json(ctx, ready ? 200 : 503, body);
    }

    private void metrics(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(services.metrics().scrape());
    }

    private void devices(RoutingContext ctx) {
        ArrayNode list = JSON.createArrayNode();
        services.sessions().authenticated().stream()
                .sorted(java.util.Comparator.comparing(DeviceSession::deviceId))
                .forEach(session -> list.add(describe(session, false)));
        json(ctx, 200, list);
    }

    private void device(RoutingContext ctx) {
        DeviceSession session = services.sessions().byDevice(ctx.pathParam("id"));
        if (session == null) {
            json(ctx, 404, JSON.createObjectNode().put("error", "Device is not connected"));
            return;
        }
        json(ctx, 200, describe(session, true));
    }

    private static ObjectNode describe(DeviceSession session, boolean withPermissions) {
        ObjectNode node = JSON.createObjectNode()
                .put("deviceId", session.deviceId())
                .put("deviceType", session.device().deviceType())
                .put("connectedAt", String.valueOf(session.authenticatedAt()))
                .put("remoteAddress", session.remoteAddress())
                .put("messagesIn", session.messagesIn())
                .put("messagesOut", session.messagesOut());
        ArrayNode subscriptions = node.putArray("subscriptions");
        session.subscriptionSubjects().forEach(subscriptions::add);
        ObjectNode attributes = node.putObject("attributes");
        session.device().attributes().forEach(attributes::put);
        if (withPermissions) {
            ObjectNode permissions = node.putObject("permissions");
            session.device().permissions().publish().forEach(permissions.withArray("publish")::add);
            session.device().permissions().subscribe().forEach(permissions.withArray("subscribe")::add);
            session.device().permissions().deny().forEach(permissions.withArray("deny")::add);
            com.pharmabridge.gateway.policy.EffectiveLimits l = session.limits();
            node.putObject("limits")
                    .put("messageRateLimitPerSecond", l.messageRateLimitPerSecond())
                    .put("messageRateBurst", l.messageRateBurst())
                    .put("bytesPerSecond", l.bytesPerSecond())
                    .put("maxSubscriptions", l.maxSubscriptions())
                    .put("outgoingBufferSize", l.outgoingBufferSize())
                    .put("slowConsumerPolicy", l.slowConsumerPolicy().configName());
        }
        return node;
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        try {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            ctx.fail(e);
        }
    }
}
