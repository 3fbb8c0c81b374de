package com.pharmabridge.protocol.audit;

import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuditVerifierTest {
    private final KeyPair key = generate();
    private final AuditVerifier verifier = new AuditVerifier(Map.of("k1", key.getPublic()));

    @Test
    void anIntactChainWithACheckpointVerifies() {
        List<String> chain = chain(6, 4);
        AuditVerifier.Report report = verifier.verify(chain);
        assertThat(report.problems()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.records()).isEqualTo(6);
        assertThat(report.gateways()).containsEntry("gw1", 6L);
        assertThat(report.checkpointsVerified()).isEqualTo(1);
    }

    @Test
    void anAlteredRecordIsNamed() {
        List<String> chain = chain(6, 0);
        chain.set(2, chain.get(2).replace("\"outcome\":\"success\"", "\"outcome\":\"failure\""));
        assertThat(verifier.verify(chain).problems())
                .containsExactly("record gw1#3 was altered: its content does not match its hash");
    }

    @Test
    void aRemovedRecordIsReportedAsAGap() {
        List<String> chain = chain(6, 0);
        chain.remove(3);
        assertThat(verifier.verify(chain).problems())
                .containsExactly("record gw1#4 is missing (removed): gap before gw1#5");
        chain.remove(3);
        assertThat(verifier.verify(chain).problems())
                .containsExactly("records gw1#4 to #5 are missing (removed): gap before gw1#6");
    }

    @Test
    void aReplacedRecordWithARecomputedHashBreaksTheLinkAfterIt() {
        List<String> chain = chain(6, 0);
        String original = chain.get(2);
        String body = original.substring(0, original.indexOf(",\"hash\":")) + "}";
        chain.set(2, AuditRecord.seal(body.replace("\"outcome\":\"success\"", "\"outcome\":\"failure\"")));
        assertThat(verifier.verify(chain).problems()).containsExactly(
                "chain broken between gw1#3 and gw1#4: record gw1#3 was replaced or gw1#4 was altered");
    }

    @Test
    void aForgedCheckpointFailsItsSignature() throws Exception {
        List<String> chain = chain(6, 4);
        KeyPair forger = generate();
        String checkpoint = chain.get(4);
        String forgedSignature = sign(forger, "gw1", 4, AuditRecord.parse(chain.get(3)).hash());
        String realSignature = AuditRecord.parse(checkpoint).details().get("signature");
        String forgedBody = checkpoint.substring(0, checkpoint.indexOf(",\"hash\":")).replace(realSignature,
                forgedSignature) + "}";
        chain.set(4, AuditRecord.seal(forgedBody));
        List<String> problems = verifier.verify(chain).problems();
        assertThat(problems).contains("checkpoint gw1#5: signature does not verify with key k1 (forged)");
    }

    @Test
    void checkpointsWithoutTheirKeyAreCountedAsUnchecked() {
        AuditVerifier.Report report = new AuditVerifier(Map.of()).verify(chain(6, 4));
        assertThat(report.ok()).isTrue();
        assertThat(report.checkpointsUnchecked()).isEqualTo(1);
        assertThat(report.checkpointsVerified()).isZero();
    }

    @Test
    void checkpointsUnderAKeyNotGivenFailWhenKeysWereGiven() {
        AuditVerifier.Report report = new AuditVerifier(Map.of("other", generate().getPublic())).verify(chain(6, 4));
        assertThat(report.problems()).containsExactly(
                "checkpoint gw1#5 is signed with key k1, which was not given [other]");
    }

    @Test
    void chainsOfSeveralGatewaysAreCheckedApartInAnyOrder() {
        List<String> records = new ArrayList<>(chain(5, 0));
        records.addAll(chainOf("gw2", 3));
        java.util.Collections.reverse(records);
        AuditVerifier.Report report = verifier.verify(records);
        assertThat(report.problems()).isEmpty();
        assertThat(report.gateways()).containsEntry("gw1", 5L).containsEntry("gw2", 3L);
    }

    @Test
    void unreadableRecordsAndAFalseStartAreReported() {
        List<String> chain = chain(3, 0);
        chain.add("not json");
        chain.remove(0);
        List<String> problems = verifier.verify(chain).problems();
        assertThat(problems).anyMatch(p -> p.startsWith("unreadable record"));
        assertThat(problems).contains("record gw1#1 is missing (removed): gap before gw1#2");
    }

    // Records 1..n of gw1; record number checkpointAt (if > 0) is a checkpoint of the one before.
    private List<String> chain(int n, int checkpointAfter) {
        List<String> records = new ArrayList<>();
        String prev = AuditRecord.GENESIS;
        for (long seq = 1; seq <= n; seq++) {
            String details = "{\"subject\":\"factory.x\"}";
            String action = "publish.refused";
            if (checkpointAfter > 0 && seq == checkpointAfter + 1) {
                action = "audit.checkpoint";
                details = "{\"headSeq\":" + (seq - 1) + ",\"headHash\":\"" + prev + "\",\"keyId\":\"k1\",\"signature\":\""
                        + sign(key, "gw1", seq - 1, prev) + "\"}";
            }
            String record = AuditRecord.seal("{\"v\":1,\"gatewayId\":\"gw1\",\"seq\":" + seq
                    + ",\"time\":\"2026-01-15T10:00:00.000Z\",\"actor\":\"device\",\"actorId\":\"d1\",\"action\":\""
                    + action + "\",\"outcome\":\"success\",\"details\":" + details + ",\"prev\":\"" + prev + "\"}");
            records.add(record);
            prev = AuditRecord.parse(record).hash();
        }
        return records;
    }

    private static List<String> chainOf(String gateway, int n) {
        List<String> records = new ArrayList<>();
        String prev = AuditRecord.GENESIS;
        for (long seq = 1; seq <= n; seq++) {
            String record = AuditRecord.seal("{\"v\":1,\"gatewayId\":\"" + gateway + "\",\"seq\":" + seq
                    + ",\"action\":\"auth.login\",\"details\":{},\"prev\":\"" + prev + "\"}");
            records.add(record);
            prev = AuditRecord.parse(record).hash();
        }
        return records;
    }

    private static String sign(KeyPair pair, String gateway, long seq, String hash) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(pair.getPrivate());
            signer.update(AuditRecord.checkpointStatement(gateway, seq, hash));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
