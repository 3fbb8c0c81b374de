package com.pharmabridge.gateway.config;

import com.pharmabridge.gateway.policy.DeviceLimits;
import com.pharmabridge.gateway.validation.ValidationConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The whole gateway configuration: one small immutable record per part. Built and validated by {@link ConfigLoader}. */
public record GatewayConfig(Server gateway, Auth auth, Nats nats, JetStream jetStream, Devices devices,
                            ValidationConfig validation, String sourceHash, Tls tls, Audit audit, Metrics metrics,
                            Admin admin, Ui ui) {

    public GatewayConfig {
        tls = tls == null ? Tls.DISABLED : tls;
        audit = audit == null ? Audit.DISABLED : audit;
        metrics = metrics == null ? Metrics.DEFAULT : metrics;
        admin = admin == null ? Admin.NONE : admin;
        ui = ui == null ? Ui.DEFAULT : ui;
    }

    /** Without the operations parts (metrics polling, admin credential, line view): their defaults. */
    public GatewayConfig(Server gateway, Auth auth, Nats nats, JetStream jetStream, Devices devices,
                         ValidationConfig validation, String sourceHash, Tls tls, Audit audit) {
        this(gateway, auth, nats, jetStream, devices, validation, sourceHash, tls, audit, null, null, null);
    }

    /**
     * What /metrics reads from JetStream besides the gateway's own counters.
     *
     * @param jetStreamPollInterval how often stream sizes, storage use and consumer lag are read; zero: never
     * @param maxConsumerSeries     application consumers (not devices') reported one by one; the rest are summed
     */
    public record Metrics(Duration jetStreamPollInterval, int maxConsumerSeries) {
        public static final Metrics DEFAULT = new Metrics(Duration.ofSeconds(15), 50);
    }

    /**
     * The operator's credential for the line view (HTTP Basic). Only a PBKDF2 hash of the password is configured.
     *
     * @param passwordHash {@code pbkdf2-sha256$iterations$salt$hash}, or {@code null}: no credential, /ui is open
     */
    public record Admin(String user, String passwordHash) {
        public static final Admin NONE = new Admin("admin", null);

        public boolean configured() {
            return passwordHash != null;
        }

        @Override
        public String toString() {
            return "Admin[user=" + user + ", passwordHash=" + (configured() ? "(set)" : "(none)") + "]";
        }
    }

    /**
     * The live line view at /ui.
     *
     * @param replay how far back the view reads JetStream at start (state events, batches, alerts, the counting
     *               station's counts), so that a batch already running has its OEE from its start
     */
    public record Ui(boolean enabled, Duration refreshInterval, int recentAlerts, int maxCriticalValues,
                     Duration replay) {
        public static final Ui DEFAULT = new Ui(true, Duration.ofSeconds(1), 50, 200, Duration.ofHours(24));
    }

    /**
     * The audit trail.
     *
     * @param signingKeyFile Ed25519 private key for checkpoints, or {@code null}
     * @param keyId          the key's name in checkpoints
     */
    public record Audit(boolean enabled, Path signingKeyFile, String keyId, Duration checkpointInterval,
                        int maxQueuedRecords) {
        public static final Audit DISABLED = new Audit(false, null, "", Duration.ofMinutes(5), 1000);
    }

    /** Without TLS: plain {@code ws://}. */
    public GatewayConfig(Server gateway, Auth auth, Nats nats, JetStream jetStream, Devices devices,
                         ValidationConfig validation, String sourceHash) {
        this(gateway, auth, nats, jetStream, devices, validation, sourceHash, Tls.DISABLED, Audit.DISABLED);
    }

    public GatewayConfig withValidation(ValidationConfig newValidation) {
        return new GatewayConfig(gateway, auth, nats, jetStream, devices, newValidation, sourceHash, tls, audit, metrics,
                admin, ui);
    }

    /** Brute-force protection of logins, and signed device credentials. */
    public record Auth(int maxFailuresPerDevice, int maxFailuresPerHost, Duration lockoutBase, Duration lockoutMax,
                       Jwt jwt) {
        public Auth {
            jwt = jwt == null ? Jwt.DISABLED : jwt;
        }

        /** Registry tokens only. */
        public Auth(int maxFailuresPerDevice, int maxFailuresPerHost, Duration lockoutBase, Duration lockoutMax) {
            this(maxFailuresPerDevice, maxFailuresPerHost, lockoutBase, lockoutMax, Jwt.DISABLED);
        }
    }

    /**
     * Signed device credentials (JWT) as an alternative to registry tokens.
     *
     * @param keys     the public keys that may sign credentials, by key id (the JWT header's {@code kid})
     * @param issuer   required {@code iss}, or {@code null} for any
     * @param audience required member of {@code aud}, or {@code null} for any
     */
    public record Jwt(boolean enabled, List<JwtKey> keys, String issuer, String audience, Duration clockSkew) {
        public static final Jwt DISABLED = new Jwt(false, List.of(), null, null, Duration.ofSeconds(30));

        public Jwt {
            keys = List.copyOf(keys);
        }
    }

    /** A public key (PEM file) that signs device credentials, under its key id. */
    public record JwtKey(String kid, Path file) {
    }

    /** Who must present a client certificate during the TLS handshake. */
    public enum ClientAuth {
        NONE, REQUEST, REQUIRED
    }

    /**
     * TLS ({@code wss://}) for the WebSocket and HTTP port, from PEM files.
     *
     * @param clientCa                PEM file of the CAs client certificates must chain to, or {@code null}
     * @param deviceIdFromCertificate a verified client certificate whose subject CN is the device id may stand in for
     *                                the token
     */
    public record Tls(boolean enabled, Path certFile, Path keyFile, Path clientCa, ClientAuth clientAuth,
                      boolean deviceIdFromCertificate) {
        public static final Tls DISABLED = new Tls(false, null, null, null, ClientAuth.NONE, false);
    }

    /** WebSocket server and per-device limits. */
    public record Server(String id, String host, int port, int eventLoops, int maxMessageSize, int maxFrameSizeFactor,
                         int messageRateLimitPerSecond, int messageRateBurst, long bytesPerSecond,
                         int outgoingBufferSize, long outgoingBufferBytes,
                         DeviceLimits.SlowConsumerPolicy slowConsumerPolicy,
                         int maxConnections, int newConnectionsPerSecondPerHost, int newConnectionBurstPerHost,
                         Duration maxClockSkew, Duration authenticationTimeout, Duration pingInterval,
                         Duration pingTimeout, Duration requestTimeout, Duration maxRequestTimeout,
                         int maxInFlightPublishes, int maxSubscriptionsPerDevice, Duration shutdownTimeout) {
        public int maxFrameSize() {
            long size = (long) maxMessageSize * maxFrameSizeFactor;
            return (int) Math.min(Integer.MAX_VALUE - 1024, size);
        }
    }

    public record Nats(String url, String clientName, Duration connectTimeout, Duration reconnectWait,
                       long maxPendingBytes, boolean publishPerEventLoop) {
    }

    public record JetStream(boolean enabled, Duration publishTimeout, Duration durableAckWait, int durableMaxAckPending,
                            int durableMaxDeliver, int maxDurablesPerDevice, List<StreamSpec> streams) {
    }

    /** A stream the gateway creates at start when missing; retention of an existing one is compared, never cut. */
    public record StreamSpec(String name, List<String> subjects, Duration maxAge, String storage, int replicas,
                             boolean denyDelete, boolean denyPurge, long maxBytes, Duration duplicateWindow) {
    }

    public record Devices(Path registryFile, Duration reloadInterval) {
    }
}
