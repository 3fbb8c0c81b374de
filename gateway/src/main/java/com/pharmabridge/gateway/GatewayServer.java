package com.pharmabridge.gateway;

import com.pharmabridge.gateway.api.HttpApi;
import com.pharmabridge.gateway.api.LineFeed;
import com.pharmabridge.gateway.api.LineState;
import com.pharmabridge.gateway.logging.Redact;
import com.pharmabridge.gateway.metrics.JetStreamGauges;
import com.pharmabridge.gateway.audit.AuditEvent;
import com.pharmabridge.gateway.audit.AuditTrail;
import com.pharmabridge.gateway.audit.RegistryChanges;
import com.pharmabridge.gateway.auth.Authenticator;
import com.pharmabridge.gateway.batch.BatchTracker;
import com.pharmabridge.gateway.auth.JwtVerifier;
import com.pharmabridge.gateway.auth.LoginThrottle;
import com.pharmabridge.gateway.auth.RegistryWatcher;
import com.pharmabridge.gateway.bridge.NatsBridge;
import com.pharmabridge.gateway.config.GatewayConfig;
import com.pharmabridge.gateway.metrics.GatewayMetrics;
import com.pharmabridge.gateway.natsserver.NatsServerProcess;
import com.pharmabridge.gateway.registry.DeviceRegistry;
import com.pharmabridge.gateway.registry.DeviceRecord;
import com.pharmabridge.gateway.session.DeviceSession;
import com.pharmabridge.gateway.session.GatewayServices;
import com.pharmabridge.gateway.session.SessionRegistry;
import com.pharmabridge.gateway.session.WebSocketEndpoint;
import com.pharmabridge.gateway.validation.PayloadValidator;
import com.pharmabridge.protocol.CloseCode;
import com.pharmabridge.protocol.EnvelopeDecoder;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.pharmabridge.gateway.logging.MessageLogContext;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Wires the gateway's parts together, starts it, and shuts it down without losing an acknowledged message. */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

    private final GatewayConfig config;
    private final Vertx vertx;
    private final NatsBridge bridge;
    private final GatewayServices services;
    private final WebSocketEndpoint endpoint;
    private final int port;
    private boolean closed;
    private long registryTimer = -1;
    private long jetStreamPollTimer = -1;
    private LineFeed lineFeed;
    private volatile List<String> recordedDrift = List.of();

    private GatewayServer(GatewayConfig config, Vertx vertx, NatsBridge bridge, GatewayServices services,
                          WebSocketEndpoint endpoint, int port) {
        this.config = config;
        this.vertx = vertx;
        this.bridge = bridge;
        this.services = services;
        this.endpoint = endpoint;
        this.port = port;
    }

    public static GatewayServer start(GatewayConfig config) throws Exception {
        useNettyPooledAllocator();
        MessageLogContext.install();
        int loops = config.gateway().eventLoops() > 0 ? config.gateway().eventLoops()
                : Math.max(1, Runtime.getRuntime().availableProcessors());
        // No thread context class loader set and reset around every dispatch (5 % of an event loop's time): the
        // gateway runs on the application class path, where the loops' own loader is the right one.
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setDisableTCCL(true));
        NatsBridge bridge = new NatsBridge(config);
        AuditTrail audit = null;
        LineFeed feed = null;
        try {
            bridge.start();
            bridge.attachEventLoops(vertx);
            RegistryWatcher registry = new RegistryWatcher(config.devices().registryFile());
            GatewayMetrics metrics = new GatewayMetrics();
            SessionRegistry sessions = new SessionRegistry();
            GatewayConfig.Auth auth = config.auth();
            LoginThrottle throttle = new LoginThrottle(auth.maxFailuresPerDevice(), auth.maxFailuresPerHost(),
                    auth.lockoutBase(), auth.lockoutMax(), java.time.Clock.systemUTC());
            audit = AuditTrail.fromConfig(config, bridge);
            audit.start();
            audit.record(new AuditEvent(java.time.Instant.now(), AuditEvent.GATEWAY, config.gateway().id(),
                    "gateway.start", "info", null, java.util.Map.of("configHash", String.valueOf(config.sourceHash()),
                    "registryFile", config.devices().registryFile().toString())));
            GatewayServices services = new GatewayServices(vertx, config, bridge,
                    new Authenticator(registry, JwtVerifier.fromConfig(auth.jwt())), throttle,
                    sessions, metrics, new EnvelopeDecoder(), PayloadValidator.create(config.validation()), audit,
                    new BatchTracker());
            metrics.bindGauges(sessions::authenticatedCount, bridge::isConnected, bridge::isReady,
                    () -> bridge.streamDrift().size());
            bindOperationalMetrics(metrics, bridge, sessions);
            feed = config.ui().enabled()
                    ? new LineFeed(config, new LineState(config.ui().recentAlerts(), config.ui().maxCriticalValues()))
                    : null;
            WebSocketEndpoint endpoint = new WebSocketEndpoint(services);
            Router router = new HttpApi(services, feed).router(vertx);
            int port = config.gateway().port() == 0 ? NatsServerProcess.freePort() : config.gateway().port();
            HttpServerOptions options = new HttpServerOptions()
                    .setHost(config.gateway().host())
                    .setPort(port)
                    .setMaxWebSocketFrameSize(config.gateway().maxFrameSize())
                    .setMaxWebSocketMessageSize(config.gateway().maxFrameSize())
                    .setRegisterWebSocketWriteHandlers(false)
                    // Connections that never upgrade, or go silent, must not hold a descriptor forever. Live
                    // WebSockets are pinged well within this, so only dead ones hit it.
                    .setIdleTimeout(idleTimeoutSeconds(config.gateway()))
                    .setIdleTimeoutUnit(TimeUnit.SECONDS)
                    .setWebSocketClosingTimeout(5)
                    .setTcpNoDelay(true)
                    // Every session touches its socket only on its own event loop (NATS threads hand work back with
                    // runOnContext), so Vert.x need not keep a thread-safe write queue for the HTTP connection: that
                    // queue's first chunk alone is about 4 KiB per connection. (The WebSocket connection Vert.x makes
                    // on upgrade keeps its own such queue in any mode.)
                    .setStrictThreadMode(true);
            configureTls(options, config.tls());
            deploy(vertx, loops, options, router, endpoint, config);
            GatewayServer server = new GatewayServer(config, vertx, bridge, services, endpoint, port);
            server.watchRegistry(registry);
            server.followBatches();
            server.pollJetStream(metrics);
            if (feed != null) {
                server.lineFeed = feed;
                feed.start();
            }
            LOG.info("Gateway {} listening on {}://{}:{}{} ({} event loops), NATS {}, config hash {}{}",
                    config.gateway().id(), config.tls().enabled() ? "wss" : "ws", config.gateway().host(), port,
                    WebSocketEndpoint.PATH, loops, Redact.url(config.nats().url()), config.sourceHash(),
                    feed == null ? "" : ", line view at /ui" + (config.admin().configured()
                            ? " (operator credential required)" : " (open: no admin.passwordHash configured)"));
            return server;
        } catch (Exception e) {
            if (feed != null) {
                feed.close();
            }
            if (audit != null) {
                audit.close(java.time.Duration.ofSeconds(2));
            }
            bridge.close();
            vertx.close();
            throw e;
        }
    }

    /** The NATS connection's own figures, and the messages waiting for slow devices, read when scraped. */
    private static void bindOperationalMetrics(GatewayMetrics metrics, NatsBridge bridge, SessionRegistry sessions) {
        metrics.bindNatsConnection(figure -> {
            io.nats.client.Connection c = bridge.connection();
            if (c == null) {
                return 0;
            }
            return switch (figure) {
                case "reconnects" -> c.getStatistics().getReconnects();
                case "dropped" -> c.getStatistics().getDroppedCount();
                case "pendingBytes" -> bridge.outgoingPendingBytes();
                default -> 0;
            };
        });
        metrics.bindOutgoing(() -> sessions.all().stream().mapToLong(DeviceSession::outgoingQueued).sum(),
                () -> sessions.all().stream().mapToLong(DeviceSession::outgoingQueued).max().orElse(0));
    }

    /** Streams' sizes, storage and consumer lag, read from JetStream every metrics.jetStreamPollSeconds. */
    private void pollJetStream(GatewayMetrics metrics) {
        long interval = config.metrics().jetStreamPollInterval().toMillis();
        if (!config.jetStream().enabled() || interval <= 0) {
            return;
        }
        JetStreamGauges gauges = metrics.jetStreamGauges(config.jetStream().streams().stream()
                .map(GatewayConfig.StreamSpec::name).toList(), config.metrics().maxConsumerSeries());
        jetStreamPollTimer = vertx.setPeriodic(Math.min(interval, 2_000), interval, id ->
                vertx.executeBlocking(() -> {
                    if (bridge.isConnected() && bridge.management() != null) {
                        gauges.poll(bridge.management());
                    } else {
                        gauges.unavailable();
                    }
                    return null;
                }, false));
    }

    /**
     * Netty 4.2 defaults to its adaptive allocator. Under a burst from many connections (bench: 1,000 connections x 8
     * frames per write) the pooled one kept the gateway's resident memory about 200 MB lower at the same or better
     * throughput, and a throw-away prototype on the adaptive one hit a 1 GB direct-memory cap and collapsed to ~500
     * messages per second. An operator's explicit {@code -Dio.netty.allocator.type} wins; the setting only takes effect
     * when Netty has not allocated yet in this JVM (the gateway's own start, in production).
     */
    private static void useNettyPooledAllocator() {
        if (System.getProperty("io.netty.allocator.type") == null) {
            System.setProperty("io.netty.allocator.type", "pooled");
        }
    }

    /** wss: the server's certificate and key from PEM files, TLS 1.2 and 1.3 only, client certificates if asked. */
    private static void configureTls(HttpServerOptions options, GatewayConfig.Tls tls) {
        if (!tls.enabled()) {
            return;
        }
        options.setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(tls.certFile().toString())
                        .setKeyPath(tls.keyFile().toString()))
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
                .setClientAuth(switch (tls.clientAuth()) {
                    case NONE -> ClientAuth.NONE;
                    case REQUEST -> ClientAuth.REQUEST;
                    case REQUIRED -> ClientAuth.REQUIRED;
                });
        if (tls.clientCa() != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(tls.clientCa().toString()));
        }
    }

    private static void deploy(Vertx vertx, int loops, HttpServerOptions options, Router router,
                               WebSocketEndpoint endpoint, GatewayConfig config) throws Exception {
        try {
            vertx.deployVerticle(() -> new VerticleBase() {
                @Override
                public Future<?> start() {
                    return vertx.createHttpServer(options)
                            .requestHandler(router)
                            .webSocketHandshakeHandler(endpoint::handshake)
                            .webSocketHandler(endpoint::connected)
                            .listen();
                }
            }, new DeploymentOptions().setInstances(loops)).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof java.net.BindException) {
                    throw new IllegalStateException("Cannot listen on " + options.getHost() + ":" + options.getPort()
                            + ": the port is in use or not allowed (set gateway.port, GATEWAY_PORT or --port)", e);
                }
            }
            throw e;
        }
    }

    /** Picks up registry edits made by the CLI; a revoked device's live session ends at once with 4002. */
    private void watchRegistry(RegistryWatcher registry) {
        registryTimer = vertx.setPeriodic(config.devices().reloadInterval().toMillis(), id ->
                vertx.executeBlocking(() -> {
                    DeviceRegistry before = registry.get();
                    registry.poll(loaded -> {
                        services.audit().record(new AuditEvent(java.time.Instant.now(), AuditEvent.OPERATOR,
                                "registry", "registry.reload", "success", null, java.util.Map.of("devices",
                                loaded.devices().size(), "registryFile", registry.file().toString())));
                        RegistryChanges.between(before, loaded, registry.file().toString())
                                .forEach(services.audit()::record);
                        closeRevoked(loaded);
                    });
                    recordStreamDrift();
                    return null;
                }, false));
    }

    /** Starts following batch events as soon as NATS is ready (the bridge connects in the background). */
    private void followBatches() {
        vertx.setPeriodic(0, 250, id -> {
            if (closed || services.batches().following()) {
                vertx.cancelTimer(id);
            } else if (bridge.isReady()) {
                vertx.executeBlocking(() -> {
                    services.batches().follow(bridge);
                    return null;
                }, false);
            }
        });
    }

    // Drift is found when NATS (re)connects; each new finding goes into the audit trail once.
    private void recordStreamDrift() {
        List<String> drift = bridge.streamDrift();
        if (!drift.isEmpty() && !drift.equals(recordedDrift)) {
            services.audit().record(new AuditEvent(java.time.Instant.now(), AuditEvent.GATEWAY,
                    config.gateway().id(), "stream.drift", "failure", null,
                    java.util.Map.of("differences", String.join("; ", drift))));
        }
        recordedDrift = drift;
    }

    private void closeRevoked(DeviceRegistry registry) {
        for (DeviceSession session : services.sessions().authenticated()) {
            DeviceRecord record = registry.device(session.deviceId());
            // A device that logged in with a signed credential (it expires) need not be registered; a revocation
            // still ends it.
            boolean signedCredential = session.device() != null && session.device().expiresAt() != null;
            if (record == null ? !signedCredential : record.revoked()) {
                session.onContext(() -> session.close(CloseCode.DEVICE_REVOKED, "Device revoked"));
            }
        }
    }

    private static int idleTimeoutSeconds(GatewayConfig.Server server) {
        long seconds = Math.max(server.authenticationTimeout().toSeconds(),
                server.pingInterval().toSeconds() + server.pingTimeout().toSeconds()) + 15;
        return (int) Math.min(Integer.MAX_VALUE, seconds);
    }


    public int port() {
        return port;
    }

    public GatewayServices services() {
        return services;
    }

    public NatsBridge bridge() {
        return bridge;
    }

    /**
     * Graceful shutdown: refuse new connections, let each session finish its in-flight publishes (their Acks go
     * out), close every device with 1001, then drain NATS.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        vertx.cancelTimer(registryTimer);
        vertx.cancelTimer(jetStreamPollTimer);
        if (lineFeed != null) {
            lineFeed.close();
        }
        endpoint.stopAccepting();
        for (DeviceSession session : services.sessions().all()) {
            session.onContext(session::beginShutdown);
        }
        long deadline = System.nanoTime() + config.gateway().shutdownTimeout().toNanos();
        while (!services.sessions().all().isEmpty() && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (DeviceSession session : services.sessions().all()) {
            session.onContext(() -> session.close(CloseCode.GOING_AWAY, "Gateway shutting down"));
        }
        bridge.closeLoopPublishers(); // they live on the event loops
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Vert.x did not stop cleanly: {}", e.toString());
        }
        services.audit().record(new AuditEvent(java.time.Instant.now(), AuditEvent.GATEWAY, config.gateway().id(),
                "gateway.stop", "info", null, java.util.Map.of()));
        services.audit().close(config.gateway().shutdownTimeout());
        bridge.close();
        LOG.info("Gateway {} stopped", config.gateway().id());
    }
}
