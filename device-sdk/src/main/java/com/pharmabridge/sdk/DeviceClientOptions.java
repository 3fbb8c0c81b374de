package com.pharmabridge.sdk;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of a {@link DeviceClient}; build them with {@link #builder()}. Every setting but the gateway
 * URI and the device id has a default ({@code DEFAULT_*}).
 */
public final class DeviceClientOptions {
    /** Default time allowed for the WebSocket handshake. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Default time a {@link DeviceClient#request} waits for its Reply. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Default first reconnect delay. */
    public static final Duration DEFAULT_RECONNECT_INITIAL = Duration.ofSeconds(1);
    /** Default cap on reconnect delays. */
    public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(30);
    /** Longest cap on reconnect delays that {@link Builder#build()} accepts. */
    public static final Duration MAX_RECONNECT_MAX = Duration.ofSeconds(60);
    /** Default spread of each reconnect delay: ±25%. */
    public static final double DEFAULT_RECONNECT_JITTER = 0.25;
    /** Default interval between Ping messages (type 9). */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(20);
    /**
     * Added to twice the heartbeat interval to make the default heartbeat timeout: with the default interval, a
     * connection on which nothing arrived for 50 s is given up.
     */
    public static final Duration DEFAULT_HEARTBEAT_TIMEOUT_SLACK = Duration.ofSeconds(10);
    /** Default number of acknowledged publishes sent but not yet answered. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    /** Default device type sent with Auth. */
    public static final String DEFAULT_DEVICE_TYPE = "sensor";

    private final URI gatewayUri;
    private final String deviceId;
    private final String token;
    private final String deviceType;
    private final SSLContext sslContext;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration reconnectInitial;
    private final Duration reconnectMax;
    private final double reconnectJitter;
    private final Duration heartbeatInterval;
    private final Duration heartbeatTimeout;
    private final int maxInFlight;
    private final ConnectionListener listener;
    private final PublishJournal journal;
    private final ClientResources resources;

    private DeviceClientOptions(Builder b) {
        gatewayUri = b.gatewayUri;
        deviceId = b.deviceId;
        token = b.token;
        deviceType = b.deviceType;
        sslContext = b.sslContext;
        connectTimeout = b.connectTimeout;
        requestTimeout = b.requestTimeout;
        reconnectInitial = b.reconnectInitial;
        reconnectMax = b.reconnectMax;
        reconnectJitter = b.reconnectJitter;
        heartbeatInterval = b.heartbeatInterval;
        heartbeatTimeout = b.heartbeatTimeout != null ? b.heartbeatTimeout
                : b.heartbeatInterval.multipliedBy(2).plus(DEFAULT_HEARTBEAT_TIMEOUT_SLACK);
        maxInFlight = b.maxInFlight;
        listener = b.listener != null ? b.listener : new ConnectionListener() {
        };
        journal = b.journal != null ? b.journal : new MemoryJournal();
        resources = b.resources;
    }

    /** @return a builder with every default set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the gateway's WebSocket URI, {@code ws://host:port/ws} or {@code wss://…} */
    public URI gatewayUri() {
        return gatewayUri;
    }

    /** @return the device id sent with Auth */
    public String deviceId() {
        return deviceId;
    }

    /** @return the token sent with Auth, or {@code null} when a client certificate identifies the device */
    public String token() {
        return token;
    }

    /** @return the device type sent with Auth */
    public String deviceType() {
        return deviceType;
    }

    /** @return the TLS context for {@code wss://}, or {@code null} for the JDK default */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** @return time allowed for the WebSocket handshake */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return default time a request waits for its Reply */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** @return first reconnect delay */
    public Duration reconnectInitial() {
        return reconnectInitial;
    }

    /** @return cap on reconnect delays */
    public Duration reconnectMax() {
        return reconnectMax;
    }

    /** @return spread of each reconnect delay, as a fraction (0.25 = ±25%) */
    public double reconnectJitter() {
        return reconnectJitter;
    }

    /** @return interval between Ping messages */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * @return how long a connection may stay silent (no message, Pong or WebSocket ping from the gateway, and no answer
     *         to Auth) before the client drops it as dead and reconnects; by default twice the heartbeat interval plus
     *         {@link #DEFAULT_HEARTBEAT_TIMEOUT_SLACK}. Checked at every heartbeat, so a dead connection is noticed
     *         within this timeout plus one heartbeat interval.
     */
    public Duration heartbeatTimeout() {
        return heartbeatTimeout;
    }

    /** @return how many acknowledged publishes may be sent and unanswered at once */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** @return the lifecycle listener (a no-op one when none was set) */
    public ConnectionListener listener() {
        return listener;
    }

    /** @return where unacknowledged publishes are kept (a new {@link MemoryJournal} when none was set) */
    public PublishJournal journal() {
        return journal;
    }

    /**
     * @return the threads shared with other clients, or {@code null} when the client creates (and on close shuts
     *         down) its own
     */
    public ClientResources resources() {
        return resources;
    }

    /** Collects settings; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private URI gatewayUri;
        private String deviceId;
        private String token;
        private String deviceType = DEFAULT_DEVICE_TYPE;
        private SSLContext sslContext;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration reconnectInitial = DEFAULT_RECONNECT_INITIAL;
        private Duration reconnectMax = DEFAULT_RECONNECT_MAX;
        private double reconnectJitter = DEFAULT_RECONNECT_JITTER;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration heartbeatTimeout;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private ConnectionListener listener;
        private PublishJournal journal;
        private ClientResources resources;

        private Builder() {
        }

        /** Sets the gateway's WebSocket URI (required). */
        public Builder gatewayUri(URI uri) {
            this.gatewayUri = uri;
            return this;
        }

        /** Sets the gateway's WebSocket URI from text (required). */
        public Builder gatewayUri(String uri) {
            return gatewayUri(URI.create(uri));
        }

        /** Sets the device id (required). */
        public Builder deviceId(String deviceId) {
            this.deviceId = deviceId;
            return this;
        }

        /** Sets the device's token; may stay unset when a client certificate identifies the device. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** Sets the device type sent with Auth (default {@value DeviceClientOptions#DEFAULT_DEVICE_TYPE}). */
        public Builder deviceType(String deviceType) {
            this.deviceType = deviceType;
            return this;
        }

        /** Sets the TLS context used for {@code wss://}. */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        /** Sets the time allowed for the WebSocket handshake. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** Sets the default time a request waits for its Reply (at most 30 s, the gateway's limit). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** Sets the reconnect policy: first delay, cap, and spread (fraction, 0 to 0.5). */
        public Builder reconnect(Duration initial, Duration max, double jitter) {
            this.reconnectInitial = initial;
            this.reconnectMax = max;
            this.reconnectJitter = jitter;
            return this;
        }

        /** Sets the interval between Ping messages. */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = interval;
            return this;
        }

        /**
         * Sets how long a connection may stay silent before it is dropped as dead (longer than the heartbeat
         * interval); {@code null} restores the default, twice the interval plus
         * {@link DeviceClientOptions#DEFAULT_HEARTBEAT_TIMEOUT_SLACK}.
         */
        public Builder heartbeatTimeout(Duration timeout) {
            this.heartbeatTimeout = timeout;
            return this;
        }

        /** Sets how many acknowledged publishes may wait for their Ack at once. */
        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** Sets the lifecycle listener. */
        public Builder listener(ConnectionListener listener) {
            this.listener = listener;
            return this;
        }

        /** Sets where unacknowledged publishes are kept (default: a new {@link MemoryJournal}). */
        public Builder journal(PublishJournal journal) {
            this.journal = journal;
            return this;
        }

        /**
         * Shares threads with other clients (see {@link ClientResources}); {@code null} (the default) gives the client
         * its own, shut down when it closes. The resources must still be open when the client is connected.
         */
        public Builder resources(ClientResources resources) {
            this.resources = resources;
            return this;
        }

        /**
         * @return the options
         * @throws IllegalArgumentException naming the first setting that is missing or out of range
         */
        public DeviceClientOptions build() {
            require(gatewayUri != null, "gatewayUri is required");
            String scheme = gatewayUri.getScheme();
            require("ws".equals(scheme) || "wss".equals(scheme),
                    "gatewayUri must start with ws:// or wss://, got " + gatewayUri);
            require(deviceId != null && !deviceId.isBlank(), "deviceId is required");
            require(deviceType != null && !deviceType.isBlank(), "deviceType must not be blank");
            require(token == null || !token.isEmpty(), "token must not be empty (leave it unset instead)");
            positive(connectTimeout, "connectTimeout");
            positive(requestTimeout, "requestTimeout");
            require(requestTimeout.compareTo(Duration.ofSeconds(30)) <= 0,
                    "requestTimeout must be at most 30 s (the gateway's limit), got " + requestTimeout);
            positive(reconnectInitial, "reconnect initial delay");
            positive(reconnectMax, "reconnect max delay");
            require(reconnectMax.compareTo(reconnectInitial) >= 0,
                    "reconnect max delay " + reconnectMax + " is shorter than the initial delay " + reconnectInitial);
            require(reconnectMax.compareTo(MAX_RECONNECT_MAX) <= 0,
                    "reconnect max delay must be at most " + MAX_RECONNECT_MAX + ", got " + reconnectMax);
            require(reconnectJitter >= 0 && reconnectJitter <= 0.5,
                    "reconnect jitter must be between 0 and 0.5, got " + reconnectJitter);
            positive(heartbeatInterval, "heartbeatInterval");
            if (heartbeatTimeout != null) {
                require(heartbeatTimeout.compareTo(heartbeatInterval) > 0, "heartbeatTimeout " + heartbeatTimeout
                        + " must be longer than the heartbeat interval " + heartbeatInterval);
            }
            require(maxInFlight >= 1, "maxInFlight must be at least 1, got " + maxInFlight);
            return new DeviceClientOptions(this);
        }

        private static void positive(Duration d, String name) {
            Objects.requireNonNull(d, name + " is required");
            require(!d.isNegative() && !d.isZero(), name + " must be positive, got " + d);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
