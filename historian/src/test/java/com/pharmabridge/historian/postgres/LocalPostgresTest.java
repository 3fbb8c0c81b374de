package com.pharmabridge.historian.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalPostgresTest {

    @Test
    void createsAClusterKeepsItsDataAcrossRestartsAndACrash(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("db");
        try (LocalPostgres pg = LocalPostgres.start(data, 0)) {
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), LocalPostgres.SUPERUSER, pg.superuserPassword());
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v int)");
                s.execute("INSERT INTO kept VALUES (42)");
            }
            assertThat(Files.getPosixFilePermissions(data.resolve("credentials.properties")))
                    .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), LocalPostgres.SUPERUSER, "wrong"))
                    .hasMessageContaining("password authentication failed");
            int port = pg.port();
            pg.crash();
            pg.start();
            assertThat(pg.port()).isEqualTo(port);
            assertThat(count(pg)).isEqualTo(42);
        }
        // A new process on the same data directory finds the cluster and its passwords.
        try (LocalPostgres again = LocalPostgres.start(data, 0)) {
            assertThat(count(again)).isEqualTo(42);
        }
    }

    private static int count(LocalPostgres pg) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), LocalPostgres.SUPERUSER, pg.superuserPassword());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
