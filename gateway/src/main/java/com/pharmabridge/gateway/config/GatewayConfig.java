package com.pharmabridge.gateway.config;

import com.pharmabridge.gateway.policy.DeviceLimits;
import com.pharmabridge.gateway.validation.ValidationConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The whole gateway configuration: one small immutable record per part. Built and validated by {@link ConfigLoader}. */
public record GatewayConfig(Server gateway, Auth auth, Nats nats, JetStream jetStream, Devices devices,
                            ValidationConfig validation, String sourceHash) {

    public GatewayConfig withValidation(ValidationConfig newValidation) {
        return new GatewayConfig(gateway, auth, nats, jetStream, devices, newValidation, sourceHash);
    }

    /** Brute-force protection of logins. */
    public record Auth(int maxFailuresPerDevice, int maxFailuresPerHost, Duration lockoutBase, Duration lockoutMax) {
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
                       long maxPendingBytes) {
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
