package com.pharmabridge.historian.store;

import com.pharmabridge.historian.HistorianConfig;
import com.pharmabridge.historian.ingest.Historian;
import com.pharmabridge.historian.ingest.RecordMapper;
import com.pharmabridge.historian.postgres.LocalPostgres;
import com.pharmabridge.historian.testing.TestPostgres;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A server of the plant's, where the historian's owner is an ordinary role (CREATEROLE, owner of its database) and
 * no writer login is given: inserts go through SET ROLE historian_writer, and the owner's own changes are refused.
 */
@Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES)
class PlantServerTest {

    @Test
    void anOrdinaryOwnerRunsTheMigrationsAndInsertsAsTheWriterRole() throws Exception {
        LocalPostgres pg = TestPostgres.server();
        try (Connection su = DriverManager.getConnection(pg.jdbcUrl("postgres"), LocalPostgres.SUPERUSER,
                pg.superuserPassword()); Statement s = su.createStatement()) {
            s.execute("CREATE ROLE plant_owner LOGIN CREATEROLE PASSWORD 'plant-owner-pw'");
            s.execute("CREATE DATABASE plant OWNER plant_owner");
        }
        Database db = Database.external(pg.jdbcUrl("plant"), "plant_owner", "plant-owner-pw", null, null);
        Historian.prepare(HistorianConfig.defaults("nats://unused:4222"), db);

        try (Connection writer = db.writer(); Statement s = writer.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("historian_writer");
            }
            byte[] payload = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);
            StoredRecord r = RecordMapper.map(RecordTable.QUALITY, "QUALITY", 1, Instant.now(), "quality.x",
                    new Headers().put("Device-Id", "vision-1"), payload);
            assertThat(RecordStore.insert(writer, List.of(r)).inserted()).isEqualTo(1);
            assertThatThrownBy(() -> s.executeUpdate("DELETE FROM historian.quality"))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"))
                    .hasMessageContaining("permission denied");
        }
        try (Connection owner = db.admin(); Statement s = owner.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("UPDATE historian.quality SET device_id = 'someone-else'"))
                    .hasMessageContaining("records are append-only");
            assertThatThrownBy(() -> s.executeUpdate("DELETE FROM historian.quality"))
                    .hasMessageContaining("records are append-only");
            try (ResultSet rs = s.executeQuery("SELECT count(*), min(layout) FROM historian.storage_layout")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(6);
                assertThat(rs.getString(2)).isEqualTo("postgresql brin");
            }
        }
    }
}
