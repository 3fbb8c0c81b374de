package com.pharmabridge.gateway;

import com.pharmabridge.gateway.auth.PemKeys;
import com.pharmabridge.gateway.cli.GatewayCli;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.StoredMessages;
import com.pharmabridge.gateway.testing.WsDevice;
import com.pharmabridge.protocol.audit.AuditRecord;
import com.pharmabridge.protocol.audit.AuditVerifier;
import io.nats.client.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The gateway's audit trail in a real AUDIT stream: what is recorded, the chain, checkpoints, a restart. */
class AuditTrailTest {

    @Test
    void securityEventsBecomeAChainedSignedTrailThatSurvivesARestart(@TempDir Path keys) throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path privateKey = keys.resolve("k1.key.pem");
        Path publicKey = keys.resolve("k1.pub.pem");
        Files.writeString(privateKey, PemKeys.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(publicKey, PemKeys.pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        AuditVerifier verifier = new AuditVerifier(Map.of("k1", pair.getPublic()));

        try (NatsFixture nats = NatsFixture.start()) {
            GatewayFixture gateway = new GatewayFixture(nats.url())
                    .with("AUDIT_SIGNING_KEY_FILE", privateKey.toString())
                    .with("AUDIT_CHECKPOINT_INTERVAL_SECONDS", "1")
                    .device("sealer-1", "sealer", "line1").start();
            try (WsDevice device = gateway.connect("sealer-1")) {
                device.send("{\"type\":1,\"subject\":\"commands.line1.start\",\"correlationId\":\"s1\"}");
                device.awaitCorrelation("s1");
                device.send("{\"type\":0,\"subject\":\"secret.plans\",\"payload\":{\"v\":1},\"correlationId\":\"p1\"}");
                assertThat(device.awaitCorrelation("p1").path("payload").path("code").asText())
                        .isEqualTo("NOT_AUTHORIZED");
            }
            try (WsDevice intruder = WsDevice.connect(gateway.wsUri())) {
                intruder.send("{\"type\":8,\"payload\":{\"deviceId\":\"sealer-1\",\"token\":\"guess\"}}");
                intruder.awaitClose();
            }
            List<String> first = await().atMost(Duration.ofSeconds(15)).until(() -> records(nats),
                    r -> actions(r).containsAll(List.of("gateway.start", "auth.login:success", "subscribe",
                            "message.refused", "session.end", "auth.login:failure", "audit.checkpoint")));
            AuditVerifier.Report report = verifier.verify(first);
            assertThat(report.problems()).isEmpty();
            assertThat(report.checkpointsVerified()).isPositive();
            AuditRecord refused = first.stream().map(AuditRecord::parse)
                    .filter(r -> r.action().equals("message.refused")).findFirst().orElseThrow();
            assertThat(refused.details()).containsEntry("code", "NOT_AUTHORIZED").containsEntry("subject", "secret.plans");
            assertThat(refused.text()).contains("\"actorId\":\"sealer-1\"", "\"remote\":\"127.0.0.1:");
            // Tokens never reach the trail, not even a wrong one.
            assertThat(String.join("\n", first)).doesNotContain("guess").doesNotContain(gateway.token("sealer-1"));

            gateway.close();
            long before = first.size();
            GatewayFixture restarted = new GatewayFixture(nats.url())
                    .with("AUDIT_SIGNING_KEY_FILE", privateKey.toString())
                    .device("sealer-1", "sealer", "line1").start();
            try (WsDevice device = restarted.connect("sealer-1")) {
                device.send("{\"type\":9}");
                device.awaitType(10);
            }
            List<String> all = await().atMost(Duration.ofSeconds(15)).until(() -> records(nats),
                    r -> r.size() > before + 2 && actions(r.subList((int) before, r.size())).contains("auth.login:success"));
            AuditVerifier.Report afterRestart = verifier.verify(all);
            assertThat(afterRestart.problems()).isEmpty();
            assertThat(afterRestart.gateways()).containsOnlyKeys("gw-test");
            assertThat(actions(all)).contains("gateway.stop");

            StringWriter out = new StringWriter();
            int exit = GatewayCli.commandLine().setOut(new PrintWriter(out)).execute("audit", "verify",
                    "--nats-url", nats.url(), "--public-key", publicKey.toString());
            assertThat(exit).as(out.toString()).isZero();
            assertThat(out.toString()).startsWith("OK: ").contains("checkpoint(s) verified");
            restarted.close();
        }
    }

    private static List<String> records(NatsFixture nats) throws Exception {
        List<String> records = new ArrayList<>();
        for (Message m : StoredMessages.all(nats.observer(), "audit.>")) {
            for (String line : new String(m.getData(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    records.add(line);
                }
            }
        }
        return records;
    }

    private static List<String> actions(List<String> records) {
        return records.stream().map(AuditRecord::parse).map(r -> {
            String outcome = r.text().contains("\"outcome\":\"failure\"") ? ":failure"
                    : r.text().contains("\"outcome\":\"success\"") && r.action().equals("auth.login") ? ":success" : "";
            return r.action() + outcome;
        }).collect(Collectors.toList());
    }
}
