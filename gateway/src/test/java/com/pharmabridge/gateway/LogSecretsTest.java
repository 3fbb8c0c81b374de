package com.pharmabridge.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.pharmabridge.gateway.api.AdminCredential;
import com.pharmabridge.gateway.auth.JwtTestKeys;
import com.pharmabridge.gateway.cli.GatewayCli;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's logs: JSON lines by default, with device_id, batch_id and correlation_id where known, and never a
 * secret. Everything that handles one (device tokens right and wrong, signed credentials good and forged, the
 * operator's password and its Authorization header, the password hash, a NATS URL with a password, the registry
 * CLI issuing and rotating tokens) runs here with the gateway's loggers at TRACE, and every line is searched.
 */
class LogSecretsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Verifies that no log line holds a token, credential, password or hash, and that lines are JSON with context. */
    @Test
    void noLogLineHoldsASecretAndLinesCarryTheirContext(@TempDir Path tmp) throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(encoders(root)).as("the shipped configuration logs JSON lines by default")
                .anyMatch(e -> e instanceof JsonEncoder);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> capture = new OutputStreamAppender<>();
        JsonEncoder encoder = new JsonEncoder();
        encoder.setWithFormattedMessage(true);
        encoder.setContext(context);
        encoder.start();
        capture.setContext(context);
        capture.setName("capture");
        capture.setEncoder(encoder);
        capture.setOutputStream(captured);
        capture.start();
        root.addAppender(capture);
        Logger ours = context.getLogger("com.pharmabridge");
        Level before = ours.getLevel();
        ours.setLevel(Level.TRACE);
        List<String> secrets = new ArrayList<>();
        try {
            exercise(tmp, secrets);
        } finally {
            ours.setLevel(before);
            root.detachAppender(capture);
            capture.stop();
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line)); // every line is one JSON object
            }
        }
        assertThat(lines).hasSizeGreaterThan(20);
        for (String secret : secrets) {
            assertThat(log).as("a secret of %d characters appears in the log", secret.length()).doesNotContain(secret);
        }
        assertThat(lines).anyMatch(l -> l.path("mdc").path("device_id").asText().equals("logs-sealer-1")
                && l.path("mdc").path("correlation_id").asText().equals("skewed-1")
                && l.path("mdc").path("batch_id").asText().equals("B26-LOGS-1"));
        assertThat(lines).anyMatch(l -> l.path("formattedMessage").asText().contains("***@127.0.0.1"));
    }

    private static void exercise(Path tmp, List<String> secrets) throws Exception {
        String natsPassword = "nats-pass-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        String adminPassword = "operator-password-" + Long.toHexString(System.nanoTime());
        String adminHash = AdminCredential.hash(adminPassword.toCharArray(), 100_000);
        KeyPair signing = JwtTestKeys.ec256();
        Path keys = tmp.resolve("keys");
        java.nio.file.Files.createDirectories(keys);
        Path registry;
        try (NatsFixture nats = NatsFixture.start()) {
            String url = nats.url().replace("nats://", "nats://logs:" + natsPassword + "@");
            try (GatewayFixture gateway = new GatewayFixture(url)
                    .with("ADMIN_PASSWORD_HASH", adminHash)
                    .with("AUTH_JWT_ENABLED", "true")
                    .with("AUTH_JWT_KEYS", "k1=" + JwtTestKeys.writePublicPem(keys, "k1.pem", signing.getPublic()))
                    .device("logs-sealer-1", "sealer", "line1")
                    .device("logs-sealer-2", "sealer", "line1")
                    .start()) {
                registry = gateway.registryFile();
                String token = gateway.token("logs-sealer-1");
                String wrongToken = token.substring(0, token.length() - 6) + "XXXXXX";
                String jwt = JwtTestKeys.sign(signing, JWSAlgorithm.ES256, "k1",
                        JwtTestKeys.claims("logs-jwt-1", "sealer", 600).build());
                String forged = jwt.substring(0, jwt.length() - 10) + "AAAAAAAAAA";
                String unparseable = "eyJhbGciOiJFUzI1NiJ9.not-base64-" + Long.toHexString(System.nanoTime()) + ".xx";
                secrets.addAll(List.of(natsPassword, adminPassword, adminHash, token, wrongToken, jwt, forged,
                        unparseable, gateway.token("logs-sealer-2"), signature(jwt), signature(forged)));

                try (WsDevice device = gateway.connect("logs-sealer-1")) {
                    // A clock far off is logged (a warning) with the device, its batch and the message's id.
                    device.send("{\"type\":0,\"subject\":\"telemetry.line1.temperature\",\"timestamp\":\""
                            + Instant.now().minus(Duration.ofHours(2)) + "\",\"payload\":{\"value\":185.5,"
                            + "\"batchId\":\"B26-LOGS-1\"},\"correlationId\":\"skewed-1\"}");
                    assertThat(device.awaitCorrelation("skewed-1").path("type").asInt()).isEqualTo(6);
                    // A second Auth on the same connection, with a token in it, is refused.
                    device.send("{\"type\":8,\"payload\":{\"deviceId\":\"logs-sealer-1\",\"token\":\"" + token
                            + "\"},\"correlationId\":\"again\"}");
                    device.awaitCorrelation("again");
                }
                for (String[] login : new String[][]{{"logs-sealer-1", wrongToken}, {"logs-jwt-1", forged},
                        {"logs-jwt-1", unparseable}, {"nobody", token}}) {
                    try (WsDevice device = WsDevice.connect(gateway.wsUri())) {
                        device.authenticate(login[0], login[1]);
                        device.awaitClose();
                    }
                }
                try (WsDevice device = WsDevice.connect(gateway.wsUri())) {
                    assertThat(device.authenticate("logs-jwt-1", jwt).path("payload").path("success").asBoolean())
                            .isTrue();
                }
                // Not JSON, with a token inside: refused before Auth.
                try (WsDevice device = WsDevice.connect(gateway.wsUri())) {
                    device.send("{\"type\":8,\"payload\":{\"deviceId\":\"logs-sealer-2\",\"token\":\""
                            + gateway.token("logs-sealer-2") + "\"");
                    device.awaitClose();
                }
                String ui = "http://127.0.0.1:" + gateway.port() + "/ui/api/snapshot";
                String good = basic("admin:" + adminPassword);
                String bad = basic("admin:" + adminPassword + "-wrong");
                secrets.addAll(List.of(good, bad, adminPassword + "-wrong"));
                assertThat(get(ui, bad)).isEqualTo(401);
                assertThat(get(ui, good)).isEqualTo(200);
                assertThat(get(ui, "Basic " + Base64.getEncoder().encodeToString(("admin" + adminPassword)
                        .getBytes(StandardCharsets.UTF_8)))).isEqualTo(401);
            }
        }
        // The operator's registry commands: tokens go to stdout once, never to the log.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            GatewayCli.commandLine().setErr(new PrintWriter(new StringWriter()))
                    .execute("device", "rotate", "--registry", registry.toString(), "--id", "logs-sealer-2");
            GatewayCli.commandLine().setErr(new PrintWriter(new StringWriter()))
                    .execute("device", "add", "--registry", registry.toString(), "--id", "logs-sealer-3", "--type",
                            "sealer", "--attr", "line=line1");
        } finally {
            System.setOut(stdout);
        }
        for (String line : out.toString(StandardCharsets.UTF_8).split("\\R")) {
            if (line.startsWith("pbt_")) {
                secrets.add(line.trim());
            }
        }
        assertThat(secrets.stream().filter(s -> s.startsWith("pbt_"))).hasSizeGreaterThanOrEqualTo(4);
    }

    private static String signature(String jwt) {
        return jwt.substring(jwt.lastIndexOf('.') + 1);
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static int get(String url, String authorization) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", authorization).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static List<Object> encoders(Logger root) {
        List<Object> encoders = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> appender = it.next();
            if (appender instanceof OutputStreamAppender<ILoggingEvent> stream) {
                encoders.add(stream.getEncoder());
            }
        }
        return encoders;
    }
}
