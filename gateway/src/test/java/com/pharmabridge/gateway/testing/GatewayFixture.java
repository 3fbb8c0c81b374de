package com.pharmabridge.gateway.testing;

import com.pharmabridge.gateway.GatewayServer;
import com.pharmabridge.gateway.config.ConfigLoader;
import com.pharmabridge.gateway.config.GatewayConfig;
import com.pharmabridge.gateway.registry.DeviceRegistry;
import com.pharmabridge.gateway.registry.DeviceType;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real gateway for tests, with its own registry file. Device types: {@code sealer} may publish to
 * {@code telemetry.${line}.>}, {@code factory.>}, {@code alerts.>}, {@code config.${line}.>} and reply; it may subscribe
 * inside {@code commands.${line}.*} and {@code commands.${line}.${deviceId}.>} but never to {@code commands.*.secret};
 * {@code hmi} may publish to {@code commands.>} and subscribe to {@code telemetry.>}.
 */
public final class GatewayFixture implements AutoCloseable {
    private final Path registryFile;
    private final Map<String, String> tokens = new HashMap<>();
    private final Map<String, String> overrides = new HashMap<>();
    private GatewayServer server;
    private DeviceRegistry registry;

    /** Closes what a test class started, in the order given, skipping what never started ({@code null}). */
    public static void closeAll(AutoCloseable... fixtures) throws Exception {
        for (AutoCloseable fixture : fixtures) {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    public GatewayFixture(String natsUrl) throws IOException {
        registryFile = Files.createTempDirectory("pharmabridge-gw-").resolve("devices.yaml");
        overrides.put("NATS_URL", natsUrl);
        overrides.put("GATEWAY_PORT", "0");
        overrides.put("GATEWAY_ID", "gw-test");
        overrides.put("GATEWAY_EVENT_LOOPS", "2");
        overrides.put("NATS_RECONNECT_WAIT_MILLIS", "100");
        overrides.put("DEVICES_REGISTRY_FILE", registryFile.toString());
        overrides.put("DEVICES_RELOAD_INTERVAL_SECONDS", "1");
        registry = DeviceRegistry.empty()
                .withType(new DeviceType("sealer",
                        List.of("telemetry.${line}.>", "factory.>", "alerts.>", "config.${line}.>", "events.${line}.>"),
                        List.of("commands.${line}.*", "commands.${line}.${deviceId}.>", "x.*"),
                        List.of("commands.*.secret")))
                .withType(new DeviceType("hmi", List.of("commands.>"), List.of("telemetry.>", "factory.>"), List.of()));
    }

    /** Sets a configuration override (environment-variable form) for the next {@link #start()}. */
    public GatewayFixture with(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    /** Adds or replaces a device type (permissions and limits) before {@link #start()}. */
    public GatewayFixture type(DeviceType type) {
        registry = registry.withType(type);
        return this;
    }

    public GatewayFixture device(String id, String type, String line) {
        return device(id, type, Map.of("line", line, "plant", "chicago"));
    }

    /** Registers a device with the given attributes (the ${...} variables of its type's permissions). */
    public GatewayFixture device(String id, String type, Map<String, String> attributes) {
        DeviceRegistry.Registration registration = registry.add(id, type, attributes, List.of(), List.of(), List.of());
        registry = registration.registry();
        tokens.put(id, registration.token());
        return this;
    }

    public GatewayFixture start() throws Exception {
        startWithoutWaiting();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(server.bridge()::isReady);
        return this;
    }

    /** Starts the gateway without waiting for NATS: for tests of a gateway that starts while NATS is away. */
    public GatewayFixture startWithoutWaiting() throws Exception {
        registry.save(registryFile);
        GatewayConfig config = ConfigLoader.load(null, overrides);
        server = GatewayServer.start(config);
        return this;
    }

    /** Starts a new gateway on the same port and registry, as after a crash or a restart. */
    public GatewayFixture startOnPort(int port) throws Exception {
        overrides.put("GATEWAY_PORT", Integer.toString(port));
        return start();
    }

    public String token(String deviceId) {
        return tokens.get(deviceId);
    }

    public Path registryFile() {
        return registryFile;
    }

    public DeviceRegistry registry() {
        return registry;
    }

    public void saveRegistry(DeviceRegistry updated) {
        registry = updated;
        registry.save(registryFile);
    }

    public GatewayServer server() {
        return server;
    }

    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/ws");
    }

    public int port() {
        return server.port();
    }

    /** Connects a plain WebSocket client and authenticates it as a registered device. */
    public WsDevice connect(String deviceId) throws Exception {
        WsDevice device = WsDevice.connect(wsUri());
        device.authenticate(deviceId, token(deviceId));
        return device;
    }

    public HttpResponse<String> http(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the /metrics line that starts with {@code linePrefix} (name and labels); the last if several. */
    public double metric(String linePrefix) throws IOException, InterruptedException {
        String line = http("/metrics").body().lines().filter(l -> l.startsWith(linePrefix)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("No metric line starts with " + linePrefix));
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
