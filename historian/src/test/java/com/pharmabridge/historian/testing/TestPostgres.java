package com.pharmabridge.historian.testing;

import com.pharmabridge.historian.postgres.LocalPostgres;
import com.pharmabridge.historian.store.Database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One embedded PostgreSQL for the whole test JVM (started by the tests themselves, never a server already on the
 * machine), and a fresh database in it for each test that asks.
 */
public final class TestPostgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static LocalPostgres server;
    private static Path dataDir;

    private TestPostgres() {
    }

    public static synchronized LocalPostgres server() throws IOException {
        if (server == null) {
            dataDir = Files.createTempDirectory("historian-test-pg-");
            server = LocalPostgres.start(dataDir, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                deleteTree(dataDir);
            }, "test-postgres-cleanup"));
        }
        return server;
    }

    /** A new, empty database: the historian's schema is created by whatever the test starts. */
    public static Database freshDatabase() throws IOException, SQLException {
        LocalPostgres pg = server();
        String name = "t" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), LocalPostgres.SUPERUSER,
                pg.superuserPassword()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return Database.owned(pg.jdbcUrl(name), LocalPostgres.SUPERUSER, pg.superuserPassword(), pg.writerPassword());
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort: a temporary directory
        }
    }
}
