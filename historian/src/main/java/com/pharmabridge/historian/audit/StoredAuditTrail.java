package com.pharmabridge.historian.audit;

import com.pharmabridge.protocol.audit.AuditVerifier;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gateways' audit trail as the historian keeps it: each row of {@code audit} is one AUDIT message, holding one
 * or more records, one per line, exactly as the gateway wrote them.
 */
public final class StoredAuditTrail {
    private StoredAuditTrail() {
    }

    /** @return every stored record, in stream order */
    public static List<String> records(Connection db) throws SQLException {
        List<String> records = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT payload FROM audit ORDER BY stream, stream_seq")) {
            while (rs.next()) {
                for (String line : new String(rs.getBytes(1), StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        records.add(line);
                    }
                }
            }
        }
        return records;
    }

    /** Recomputes the chains and checkpoints of everything the historian holds. */
    public static AuditVerifier.Report verify(Connection db, Map<String, PublicKey> checkpointKeys) throws SQLException {
        return new AuditVerifier(checkpointKeys).verify(records(db));
    }
}
