package com.pharmabridge.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pharmabridge.gateway.session.DeviceSession;
import com.pharmabridge.gateway.session.GatewayServices;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The live line view: a page ({@code /ui/}), its script and style, the charting library (Chart.js, from its webjar on
 * the class path: nothing is fetched from anywhere at run time), a picture of the lines as JSON
 * ({@code /ui/api/snapshot}) and the same picture pushed every {@code ui.refreshMillis} as server-sent events
 * ({@code /ui/api/events}). Read-only: there is no route that changes anything. Everything is held in memory.
 */
final class LineViewRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHART_JS = "chart.umd.min.js";
    private static final String SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record Asset(Buffer bytes, String contentType) {
    }

    private final GatewayServices services;
    private final LineFeed feed;
    private final Map<String, Asset> assets = new HashMap<>();

    LineViewRoutes(GatewayServices services, LineFeed feed) {
        this.services = services;
        this.feed = feed;
        assets.put("index.html", asset("/ui/index.html", "text/html; charset=utf-8"));
        assets.put("line-view.js", asset("/ui/line-view.js", "text/javascript; charset=utf-8"));
        assets.put("line-view.css", asset("/ui/line-view.css", "text/css; charset=utf-8"));
        assets.put(CHART_JS, asset(chartJsPath(), "text/javascript; charset=utf-8"));
    }

    void mount(Router router) {
        AdminAuth auth = new AdminAuth(services);
        router.route("/ui").handler(auth);
        router.route("/ui/*").handler(auth);
        // Vert.x matches "/ui" and "/ui/" alike: only the bare one is sent on, so relative links resolve under /ui/.
        router.get("/ui/").handler(ctx -> {
            if (ctx.request().path().endsWith("/")) {
                serve(ctx, "index.html");
            } else {
                ctx.redirect("/ui/");
            }
        });
        router.get("/ui/api/snapshot").handler(this::snapshot);
        router.get("/ui/api/events").handler(this::events);
        router.get("/ui/lib/" + CHART_JS).handler(ctx -> serve(ctx, CHART_JS));
        router.get("/ui/:file").handler(ctx -> serve(ctx, ctx.pathParam("file")));
    }

    private void serve(RoutingContext ctx, String name) {
        Asset asset = assets.get(name);
        if (asset == null) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        headers(ctx.response()).putHeader("Content-Type", asset.contentType())
                .putHeader("Cache-Control", name.equals(CHART_JS) ? "max-age=86400" : "no-cache")
                .end(asset.bytes());
    }

    private void snapshot(RoutingContext ctx) {
        feed.viewed();
        headers(ctx.response()).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(picture());
    }

    /** Server-sent events: one picture at once, then one every ui.refreshMillis until the page goes away. */
    private void events(RoutingContext ctx) {
        HttpServerResponse response = headers(ctx.response());
        response.setChunked(true).putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-store").putHeader("X-Accel-Buffering", "no");
        long interval = services.config().ui().refreshInterval().toMillis();
        long timer = services.vertx().setPeriodic(0, interval, id -> {
            if (response.closed() || response.ended()) {
                services.vertx().cancelTimer(id);
                return;
            }
            feed.viewed();
            response.write("event: picture\ndata: " + picture() + "\n\n");
        });
        response.closeHandler(v -> services.vertx().cancelTimer(timer));
        ctx.request().connection().closeHandler(v -> services.vertx().cancelTimer(timer));
    }

    String picture() {
        Map<String, LineState.ConnectedDevice> connected = new HashMap<>();
        for (DeviceSession session : services.sessions().authenticated()) {
            if (session.device() != null) {
                connected.put(session.deviceId(), new LineState.ConnectedDevice(session.deviceId(),
                        session.device().deviceType(), session.device().attributes().get("line")));
            }
        }
        ObjectNode picture = feed.state().picture(connected);
        picture.putObject("gateway")
                .put("id", services.config().gateway().id())
                .put("time", Instant.now().toString())
                .put("natsConnected", services.bridge().isConnected())
                .put("ready", services.bridge().isReady())
                .put("devicesConnected", connected.size())
                .put("refreshMillis", services.config().ui().refreshInterval().toMillis());
        picture.set("streams", feed.rates());
        try {
            return JSON.writeValueAsString(picture);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpServerResponse headers(HttpServerResponse response) {
        return response.putHeader("Content-Security-Policy", SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer");
    }

    private static Asset asset(String path, String contentType) {
        try (InputStream in = LineViewRoutes.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("The line view's " + path + " is missing from the class path");
            }
            return new Asset(Buffer.buffer(in.readAllBytes()), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Chart.js from its webjar, whichever version the build brought. */
    private static String chartJsPath() {
        Properties pom = new Properties();
        try (InputStream in = LineViewRoutes.class.getResourceAsStream(
                "/META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("Chart.js (org.webjars.npm:chart.js) is missing from the class path");
            }
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "/META-INF/resources/webjars/chart.js/" + pom.getProperty("version") + "/dist/" + CHART_JS;
    }
}
