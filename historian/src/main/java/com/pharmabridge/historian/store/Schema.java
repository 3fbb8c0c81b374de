package com.pharmabridge.historian.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The historian's schema: Flyway migrations in {@code db/migration}, run as the owner. */
public final class Schema {
    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);
    public static final String NAME = "historian";
    private static final Pattern SAFE_PASSWORD = Pattern.compile("[A-Za-z0-9_\\-]{16,}");

    private Schema() {
    }

    /** Brings the schema up to date; returns how each record table is stored (TimescaleDB or plain PostgreSQL). */
    public static Map<String, String> migrate(Database db) throws SQLException {
        MigrateResult result = Flyway.configure()
                .dataSource(db.url(), db.adminUser(), db.adminPassword())
                .schemas(NAME)
                .defaultSchema(NAME)
                .createSchemas(true)
                .locations("classpath:db/migration")
                .cleanDisabled(true)
                .load()
                .migrate();
        if (result.migrationsExecuted > 0) {
            LOG.info("Schema {} migrated to version {} ({} migrations)", NAME, result.targetSchemaVersion,
                    result.migrationsExecuted);
        }
        Map<String, String> layout = new LinkedHashMap<>();
        try (Connection c = db.admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name, layout || coalesce(' (' || note || ')', '') "
                     + "FROM historian.storage_layout ORDER BY table_name")) {
            while (rs.next()) {
                layout.put(rs.getString(1), rs.getString(2));
            }
        }
        return layout;
    }

    /** Lets the writer role log in with this password (embedded PostgreSQL, where the historian owns the server). */
    public static void enableWriterLogin(Database admin, String password) throws SQLException {
        if (!SAFE_PASSWORD.matcher(password).matches()) {
            throw new IllegalArgumentException("The generated writer password has unexpected characters");
        }
        try (Connection c = admin.admin(); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE " + Database.WRITER_ROLE + " WITH LOGIN PASSWORD '" + password + "'");
        }
    }

    /**
     * Without a writer login of its own, inserts go through the owner's login and {@code SET ROLE historian_writer},
     * which needs the owner to be a member of that role (a superuser need not be).
     */
    public static void letOwnerActAsWriter(Database db) throws SQLException {
        try (Connection c = db.admin(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT rolsuper OR pg_has_role(current_user, '" + Database.WRITER_ROLE
                    + "', 'MEMBER') FROM pg_roles WHERE rolname = current_user")) {
                if (rs.next() && rs.getBoolean(1)) {
                    return;
                }
            }
            try {
                s.execute("GRANT " + Database.WRITER_ROLE + " TO CURRENT_USER");
            } catch (SQLException e) {
                throw new SQLException("Inserts need a writer: give --writer-user (a member of " + Database.WRITER_ROLE
                        + "), or make the owner a member (GRANT " + Database.WRITER_ROLE + " TO <owner>); "
                        + "granting it here failed: " + e.getMessage(), e.getSQLState(), e);
            }
        }
    }

    /**
     * Writes the configured retention into the database. A batch's retain-until date moves later when the batch
     * retention grows, never earlier when it shrinks (the guard refuses that).
     */
    public static void applyRetention(Database db, RetentionPolicy policy) throws SQLException {
        try (Connection c = db.admin()) {
            c.setAutoCommit(false);
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE historian.retention_policy SET keep = CAST(? AS interval) WHERE table_name = ?")) {
                for (RecordTable table : RecordTable.values()) {
                    update.setString(1, policy.keep(table));
                    update.setString(2, table.table());
                    update.addBatch();
                }
                update.setString(1, policy.batchRetention());
                update.setString(2, "batches");
                update.addBatch();
                update.executeBatch();
            }
            try (PreparedStatement extend = c.prepareStatement(
                    "UPDATE historian.batches SET retain_until = completed_at + CAST(? AS interval) "
                            + "WHERE completed_at IS NOT NULL AND ? IS NOT NULL "
                            + "AND (retain_until IS NULL OR retain_until < completed_at + CAST(? AS interval))")) {
                extend.setString(1, policy.batchRetention());
                extend.setString(2, policy.batchRetention());
                extend.setString(3, policy.batchRetention());
                int extended = extend.executeUpdate();
                if (extended > 0) {
                    LOG.info("Retain-until date of {} completed batches moved later to match batch retention {}",
                            extended, policy.batchRetention());
                }
            }
            c.commit();
        }
    }
}
