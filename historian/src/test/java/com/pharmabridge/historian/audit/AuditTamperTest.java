package com.pharmabridge.historian.audit;

import com.pharmabridge.gateway.auth.PemKeys;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.StoredMessages;
import com.pharmabridge.gateway.testing.WsDevice;
import com.pharmabridge.historian.HistorianConfig;
import com.pharmabridge.historian.ingest.Historian;
import com.pharmabridge.historian.store.Database;
import com.pharmabridge.historian.store.RetentionPolicy;
import com.pharmabridge.historian.testing.Rows;
import com.pharmabridge.historian.testing.TestPostgres;
import com.pharmabridge.protocol.Sha256;
import com.pharmabridge.protocol.audit.AuditRecord;
import com.pharmabridge.protocol.audit.AuditVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The audit trail as the historian keeps it, tampered with by a database superuser (who can switch the append-only
 * triggers off): an altered record is named, a removed one shows as a gap, a forged checkpoint fails its signature.
 */
class AuditTamperTest {

    @Test
    void alteringRemovingOrForgingStoredAuditRecordsIsFoundAndNamed(@TempDir Path keys) throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path privateKey = keys.resolve("k1.key.pem");
        Files.writeString(privateKey, PemKeys.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Map<String, java.security.PublicKey> trusted = Map.of("k1", pair.getPublic());
        Database db = TestPostgres.freshDatabase();
        try (NatsFixture nats = NatsFixture.start()) {
            GatewayFixture gateway = new GatewayFixture(nats.url())
                    .with("AUDIT_SIGNING_KEY_FILE", privateKey.toString())
                    .with("AUDIT_CHECKPOINT_INTERVAL_SECONDS", "1")
                    .device("sealer-1", "sealer", "line1").start();
            HistorianConfig config = HistorianConfig.defaults(nats.url())
                    .withTiming(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMillis(200))
                    .withRetention(RetentionPolicy.keepEverything("6y"), null);
            try (Historian historian = Historian.start(config, db)) {
                // Each session waits for a checkpoint after it, so records land in several messages (rows) with
                // checkpoints between.
                for (int i = 0; i < 4; i++) {
                    try (WsDevice device = gateway.connect("sealer-1")) {
                        device.send("{\"type\":1,\"subject\":\"commands.line1.go\",\"correlationId\":\"s" + i + "\"}");
                        device.awaitCorrelation("s" + i);
                    }
                    int round = i;
                    await().atMost(Duration.ofSeconds(15)).until(() -> checkpoints(nats) > round);
                }
                gateway.close();
                long messages = nats.observer().jetStreamManagement().getStreamInfo("AUDIT").getStreamState()
                        .getMsgCount();
                await().atMost(Duration.ofSeconds(30)).until(() -> Rows.count(db, "audit") == messages);
            }
        }

        try (Connection admin = db.admin()) {
            AuditVerifier.Report intact = StoredAuditTrail.verify(admin, trusted);
            assertThat(intact.problems()).isEmpty();
            assertThat(intact.checkpointsVerified()).isGreaterThanOrEqualTo(2);
            List<String> records = StoredAuditTrail.records(admin);
            assertThat(records.size()).isGreaterThan(10);

            // 1. Alter one record's content in place (its hash field kept): that exact record is named.
            AuditRecord victim = records.stream().map(AuditRecord::parse)
                    .filter(r -> r.action().equals("subscribe")).findFirst().orElseThrow();
            rewrite(admin, victim.text(), victim.text().replace("commands.line1.go", "commands.line1.stop"));
            assertThat(StoredAuditTrail.verify(admin, trusted).problems()).containsExactly("record gw-test#"
                    + victim.seq() + " was altered: its content does not match its hash");
            rewrite(admin, victim.text().replace("commands.line1.go", "commands.line1.stop"), victim.text());
            assertThat(StoredAuditTrail.verify(admin, trusted).ok()).isTrue();

            // 2. Forge a checkpoint: sign the head with another key and re-seal the record.
            AuditRecord checkpoint = records.stream().map(AuditRecord::parse)
                    .filter(r -> r.action().equals("audit.checkpoint")).findFirst().orElseThrow();
            KeyPair forger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(forger.getPrivate());
            signer.update(AuditRecord.checkpointStatement("gw-test", Long.parseLong(checkpoint.details().get("headSeq")),
                    checkpoint.details().get("headHash")));
            String forgedBody = checkpoint.text().substring(0, checkpoint.text().indexOf(",\"hash\":"))
                    .replace(checkpoint.details().get("signature"), Base64.getEncoder().encodeToString(signer.sign()))
                    + "}";
            String forged = AuditRecord.seal(forgedBody);
            rewrite(admin, checkpoint.text(), forged);
            assertThat(StoredAuditTrail.verify(admin, trusted).problems()).contains("checkpoint gw-test#"
                    + checkpoint.seq() + ": signature does not verify with key k1 (forged)");
            rewrite(admin, forged, checkpoint.text());

            // 3. Remove a row (one AUDIT message): its records are reported as a gap.
            long[] removed = removeAMiddleRow(admin);
            List<String> problems = StoredAuditTrail.verify(admin, trusted).problems();
            String expected = removed[0] == removed[1]
                    ? "record gw-test#" + removed[0] + " is missing (removed)"
                    : "records gw-test#" + removed[0] + " to #" + removed[1] + " are missing (removed)";
            assertThat(problems).hasSize(1);
            assertThat(problems.get(0)).startsWith(expected);
        }
    }

    private static long checkpoints(NatsFixture nats) throws Exception {
        return StoredMessages.all(nats.observer(), "audit.>").stream()
                .map(m -> new String(m.getData(), StandardCharsets.UTF_8))
                .filter(text -> text.contains("\"action\":\"audit.checkpoint\"")).count();
    }

    // As a superuser can: switch the append-only trigger off, change the row (and its digest, to pass the check).
    private static void rewrite(Connection admin, String before, String after) throws Exception {
        try (PreparedStatement find = admin.prepareStatement("SELECT stream_seq, payload FROM audit");
             ResultSet rs = find.executeQuery()) {
            while (rs.next()) {
                String payload = new String(rs.getBytes(2), StandardCharsets.UTF_8);
                if (payload.contains(before)) {
                    byte[] changed = payload.replace(before, after).getBytes(StandardCharsets.UTF_8);
                    try (Statement s = admin.createStatement()) {
                        s.execute("ALTER TABLE audit DISABLE TRIGGER append_only");
                    }
                    try (PreparedStatement update = admin.prepareStatement(
                            "UPDATE audit SET payload = ?, payload_sha256 = ? WHERE stream_seq = ?")) {
                        update.setBytes(1, changed);
                        update.setBytes(2, Sha256.digest(changed));
                        update.setLong(3, rs.getLong(1));
                        assertThat(update.executeUpdate()).isEqualTo(1);
                    }
                    try (Statement s = admin.createStatement()) {
                        s.execute("ALTER TABLE audit ENABLE TRIGGER append_only");
                    }
                    return;
                }
            }
        }
        throw new AssertionError("no stored row holds the record to change");
    }

    /** Deletes a row in the middle of the trail; returns the first and last record numbers it held. */
    private static long[] removeAMiddleRow(Connection admin) throws Exception {
        long seq;
        byte[] payload;
        try (Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("SELECT stream_seq, payload FROM audit ORDER BY stream_seq "
                     + "OFFSET (SELECT count(*) / 2 FROM audit) LIMIT 1")) {
            assertThat(rs.next()).isTrue();
            seq = rs.getLong(1);
            payload = rs.getBytes(2);
        }
        try (Statement s = admin.createStatement()) {
            s.execute("ALTER TABLE audit DISABLE TRIGGER append_only");
            assertThat(s.executeUpdate("DELETE FROM audit WHERE stream_seq = " + seq)).isEqualTo(1);
            s.execute("ALTER TABLE audit ENABLE TRIGGER append_only");
        }
        String[] lines = new String(payload, StandardCharsets.UTF_8).strip().split("\n");
        return new long[]{AuditRecord.parse(lines[0]).seq(), AuditRecord.parse(lines[lines.length - 1]).seq()};
    }
}
