package com.pharmabridge.historian.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Inserts records in one transaction per call. A record already stored (same stream, sequence and storage time) is
 * skipped by ON CONFLICT DO NOTHING, so a redelivered message never gives a second row.
 */
public final class RecordStore {
    private static final String COLUMNS = "stream, stream_seq, stored_at, subject, device_id, device_type, gateway_id, "
            + "batch_id, device_time, gateway_time, payload, payload_sha256, declared_sha256, headers";

    private RecordStore() {
    }

    /** What one insert did. */
    public record Outcome(int inserted, int duplicates) {
    }

    /**
     * Inserts and commits. On any failure the transaction is rolled back and the exception thrown: nothing of the
     * batch is stored, and the caller acknowledges nothing.
     */
    public static Outcome insert(Connection connection, List<StoredRecord> records) throws SQLException {
        if (records.isEmpty()) {
            return new Outcome(0, 0);
        }
        Map<RecordTable, List<StoredRecord>> byTable = new EnumMap<>(RecordTable.class);
        for (StoredRecord r : records) {
            byTable.computeIfAbsent(r.table(), t -> new java.util.ArrayList<>()).add(r);
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        int inserted = 0;
        try {
            for (Map.Entry<RecordTable, List<StoredRecord>> entry : byTable.entrySet()) {
                inserted += insert(connection, entry.getKey(), entry.getValue());
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            try {
                connection.setAutoCommit(autoCommit);
            } catch (SQLException ignored) {
                // a broken connection is replaced by the caller
            }
        }
        return new Outcome(inserted, records.size() - inserted);
    }

    private static int insert(Connection connection, RecordTable table, List<StoredRecord> records) throws SQLException {
        String sql = "INSERT INTO historian." + table.table() + " (" + COLUMNS + ") VALUES "
                + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb)) ON CONFLICT DO NOTHING";
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            for (StoredRecord r : records) {
                insert.setString(1, r.stream());
                insert.setLong(2, r.streamSeq());
                insert.setObject(3, utc(r.storedAt()));
                insert.setString(4, r.subject());
                insert.setString(5, r.deviceId());
                insert.setString(6, r.deviceType());
                insert.setString(7, r.gatewayId());
                insert.setString(8, r.batchId());
                setTime(insert, 9, r.deviceTime());
                setTime(insert, 10, r.gatewayTime());
                insert.setBytes(11, r.payload());
                insert.setBytes(12, r.payloadSha256());
                insert.setString(13, r.declaredSha256());
                insert.setString(14, r.headersJson());
                insert.addBatch();
            }
            int inserted = 0;
            for (int count : insert.executeBatch()) {
                inserted += Math.max(count, 0);
            }
            return inserted;
        }
    }

    private static void setTime(PreparedStatement statement, int index, Instant time) throws SQLException {
        if (time == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, utc(time));
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
