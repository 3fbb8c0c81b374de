package com.pharmabridge.protocol.audit;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks audit trails: recomputes every record's hash and every link of each gateway's chain, and the signature of
 * every checkpoint. Reports each problem with the exact record: one whose content was altered, records missing
 * from a chain (a gap: removed), a link that does not hold (a record replaced with a recomputed hash), or a
 * checkpoint whose signature fails.
 */
public final class AuditVerifier {
    private final Map<String, PublicKey> checkpointKeys;

    /** @param checkpointKeys public keys by key id ({@code keyId} of checkpoints); empty to skip signatures */
    public AuditVerifier(Map<String, PublicKey> checkpointKeys) {
        this.checkpointKeys = Map.copyOf(checkpointKeys);
    }

    /**
     * The outcome of a check.
     *
     * @param records              records read
     * @param gateways             gateways whose chains were checked, with their last sequence number
     * @param checkpointsVerified  checkpoints whose signature held
     * @param checkpointsUnchecked checkpoints signed with a key not given
     * @param problems             what is wrong, one line each, naming the record; empty when the trail is intact
     */
    public record Report(long records, Map<String, Long> gateways, long checkpointsVerified,
                         long checkpointsUnchecked, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }

        /** @return what a verifying command prints: a first line saying OK or FAILED, then each problem */
        public List<String> summary() {
            List<String> lines = new ArrayList<>();
            if (ok()) {
                lines.add("OK: " + records + " records of " + gateways.size() + " gateway(s) " + gateways
                        + " intact; " + checkpointsVerified + " checkpoint(s) verified"
                        + (checkpointsUnchecked > 0 ? ", " + checkpointsUnchecked
                        + " not checked (no public key given for them)" : ""));
            } else {
                lines.add("FAILED: " + problems.size() + " problem(s) in " + records + " records");
                problems.forEach(p -> lines.add("  " + p));
            }
            return lines;
        }
    }

    /** @param storedRecords the record texts, in any order (they are sorted by gateway and sequence) */
    public Report verify(Iterable<String> storedRecords) {
        List<String> problems = new ArrayList<>();
        Map<String, List<AuditRecord>> byGateway = new TreeMap<>();
        long count = 0;
        for (String text : storedRecords) {
            count++;
            try {
                AuditRecord record = AuditRecord.parse(text);
                byGateway.computeIfAbsent(record.gatewayId(), g -> new ArrayList<>()).add(record);
            } catch (IllegalArgumentException e) {
                problems.add("unreadable record (" + e.getMessage() + "): " + abbreviate(text));
            }
        }
        Map<String, Long> heads = new TreeMap<>();
        long[] checkpoints = new long[2];
        for (Map.Entry<String, List<AuditRecord>> chain : byGateway.entrySet()) {
            List<AuditRecord> records = chain.getValue();
            records.sort(Comparator.comparingLong(AuditRecord::seq));
            checkChain(chain.getKey(), records, problems, checkpoints);
            heads.put(chain.getKey(), records.get(records.size() - 1).seq());
        }
        return new Report(count, heads, checkpoints[0], checkpoints[1], List.copyOf(problems));
    }

    private void checkChain(String gateway, List<AuditRecord> records, List<String> problems, long[] checkpoints) {
        AuditRecord previous = null;
        for (AuditRecord record : records) {
            String name = gateway + "#" + record.seq();
            if (!record.intact()) {
                problems.add("record " + name + " was altered: its content does not match its hash");
            }
            long expectedSeq = previous == null ? 1 : previous.seq() + 1;
            if (previous != null && record.seq() == previous.seq()) {
                problems.add("record " + name + " appears twice" + (record.text().equals(previous.text()) ? ""
                        : " with different content"));
                continue;
            }
            if (record.seq() > expectedSeq) {
                problems.add(expectedSeq == record.seq() - 1
                        ? "record " + gateway + "#" + expectedSeq + " is missing (removed): gap before " + name
                        : "records " + gateway + "#" + expectedSeq + " to #" + (record.seq() - 1)
                        + " are missing (removed): gap before " + name);
            } else {
                String expectedPrev = previous == null ? AuditRecord.GENESIS : previous.hash();
                if (!expectedPrev.equals(record.prev())) {
                    problems.add(previous == null
                            ? "record " + name + " does not start the chain (prev is not the genesis value)"
                            : "chain broken between " + gateway + "#" + previous.seq() + " and " + name + ": record "
                            + gateway + "#" + previous.seq() + " was replaced or " + name + " was altered");
                }
            }
            if ("audit.checkpoint".equals(record.action())) {
                checkCheckpoint(name, record, previous, problems, checkpoints);
            }
            previous = record;
        }
    }

    private void checkCheckpoint(String name, AuditRecord checkpoint, AuditRecord previous, List<String> problems,
                                 long[] counts) {
        Map<String, String> d = checkpoint.details();
        String keyId = d.get("keyId");
        String headHash = d.get("headHash");
        String headSeq = d.get("headSeq");
        if (headHash == null || headSeq == null || d.get("signature") == null || !headSeq.matches("\\d{1,18}")) {
            problems.add("checkpoint " + name + " is incomplete (headSeq, headHash, signature)");
            return;
        }
        PublicKey key = keyId == null ? null : checkpointKeys.get(keyId);
        if (key == null) {
            if (!checkpointKeys.isEmpty()) {
                // Keys were given to be checked against: a checkpoint under none of them proves nothing.
                problems.add("checkpoint " + name + " is signed with key " + keyId + ", which was not given "
                        + checkpointKeys.keySet());
            }
            counts[1]++;
            return;
        }
        boolean valid;
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(AuditRecord.checkpointStatement(checkpoint.gatewayId(), Long.parseLong(headSeq),
                    headHash));
            valid = verifier.verify(Base64.getDecoder().decode(d.get("signature")));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            valid = false;
        }
        if (!valid) {
            problems.add("checkpoint " + name + ": signature does not verify with key " + keyId + " (forged)");
            return;
        }
        counts[0]++;
        if (previous != null && previous.seq() == Long.parseLong(headSeq) && !previous.hash().equals(headHash)) {
            problems.add("checkpoint " + name + " signed a different head than record " + checkpoint.gatewayId() + "#"
                    + headSeq + " holds: that record was altered after it was signed");
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
