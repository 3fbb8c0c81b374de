package com.pharmabridge.sdk.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Durable store-and-forward queue for confirmed publishes, backed by one SQLite file.
 *
 * <p>Life of a message: {@link #add} records it (committed and fsynced before {@code add} returns, so the caller may
 * tell the machine's application "recorded"), the SDK sends it and calls {@link #markAttempt}; when the gateway
 * acknowledges it, {@link #acknowledged} deletes it. After a reconnect, or after the process restarts, {@link #pending}
 * returns what is left, oldest first, with the original correlation ids, so a replayed message that had in fact
 * reached JetStream is de-duplicated there and stored once.
 *
 * <p>Durability: WAL journal with {@code synchronous=FULL}, i.e. every commit fsyncs the WAL. {@code NORMAL} would be
 * faster but may lose the last commits on power loss, and a reading already acknowledged to the application must not
 * be lost. A SIGKILL of the process loses nothing that {@code add} returned.
 *
 * <p>Bounds ({@link StoreLimits}): a new message that would exceed {@code maxMessages} or {@code maxBytes} is refused
 * with {@link StoreFullException} (default) or makes room by dropping the oldest messages (counted and logged). Age
 * is enforced by {@link #expire}, which returns exactly what it removed; the store never deletes anything silently.
 *
 * <p>Thread-safety: all methods may be called from any thread. There is one JDBC connection, used under one lock:
 * SQLite serialises writers anyway, and a single connection keeps the cached count/bytes exact.
 *
 * <p>Schema is versioned with {@code PRAGMA user_version}; a file written by a newer SDK is refused rather than
 * misread.
 */
public final class OfflineStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OfflineStore.class);

    /** Version of the schema this class writes; stored in {@code PRAGMA user_version}. */
    static final int SCHEMA_VERSION = 1;

    /** How long a statement waits for a lock held by another connection (e.g. a diagnostic tool) before failing. */
    static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private static final String COLUMNS =
            "seq, correlation_id, subject, payload, device_ts, stored_at_ms, attempts";

    /**
     * Counters of the store; see {@link #stats()}. {@code queued} is what the store holds now (it survives restarts,
     * being the table itself); the other counters count events since this instance was opened — monotonic counters
     * that reset with the process, as a metrics exporter expects.
     *
     * @param queued       messages held now
     * @param added        new messages recorded (an idempotent re-add of a known correlation id does not count)
     * @param acknowledged messages removed because the gateway acknowledged them
     * @param expired      messages removed by {@link #expire} because they were older than the age bound
     * @param dropped      messages removed under {@link StoreLimits.FullPolicy#DROP_OLDEST} to make room
     * @param refused      messages refused with {@link StoreFullException}
     */
    public record Stats(long queued, long added, long acknowledged, long expired, long dropped, long refused) {
    }

    private final Path file;
    private final StoreLimits limits;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Connection connection;

    // Cached totals, kept exact because every change goes through this instance under the lock; they spare a
    // COUNT(*)/SUM() scan on every add, which matters at 100 000 queued messages.
    private long count;
    private long bytes;

    private long added;
    private long acked;
    private long expired;
    private long dropped;
    private long refused;
    private boolean closed;

    private OfflineStore(Path file, StoreLimits limits, Clock clock, Connection connection) {
        this.file = file;
        this.limits = limits;
        this.clock = clock;
        this.connection = connection;
    }

    /**
     * Opens the store in {@code file}, creating parent directories and the database if needed. Reopening an existing
     * file keeps its content (that is the point: messages written before a crash are replayed after it).
     *
     * @throws StoreException if the file cannot be opened or was written by a newer schema version
     */
    public static OfflineStore open(Path file, StoreLimits limits) {
        return open(file, limits, Clock.systemUTC());
    }

    /**
     * As {@link #open(Path, StoreLimits)}, with the clock that stamps {@link StoredMessage#storedAt()} (for tests and
     * for devices whose time source is not the system clock).
     */
    public static OfflineStore open(Path file, StoreLimits limits, Clock clock) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(clock, "clock");
        Path absolute = file.toAbsolutePath();
        try {
            if (absolute.getParent() != null) {
                Files.createDirectories(absolute.getParent());
            }
        } catch (IOException e) {
            throw new StoreException("cannot create directory for offline store " + absolute, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        // IMMEDIATE: a write transaction takes the write lock at BEGIN, so the read-then-write in add() can never
        // fail with SQLITE_BUSY half-way (a DEFERRED upgrade is not retried by busy_timeout).
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        Connection c = null;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + absolute, config.toProperties());
            configure(c, absolute);
            migrate(c, absolute);
            OfflineStore store = new OfflineStore(absolute, limits, clock, c);
            store.loadTotals();
            log.info("offline store {} opened: {} messages, {} bytes pending", absolute, store.count, store.bytes);
            return store;
        } catch (SQLException e) {
            closeQuietly(c);
            throw new StoreException("cannot open offline store " + absolute + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static void configure(Connection c, Path file) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            // journal_mode answers with the mode actually in effect; WAL can be refused (e.g. some network file
            // systems), and then the durability/concurrency assumptions above would be false: fail loudly.
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                String mode = rs.next() ? rs.getString(1) : null;
                if (!"wal".equalsIgnoreCase(mode)) {
                    throw new StoreException("offline store " + file + " could not switch to WAL (mode " + mode + ")");
                }
            }
            // FULL: fsync the WAL at every commit; see the class comment.
            s.execute("PRAGMA synchronous = FULL");
        }
    }

    private static void migrate(Connection c, Path file) throws SQLException {
        int version;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > SCHEMA_VERSION) {
            throw new StoreException("offline store " + file + " has schema version " + version
                    + ", newer than this SDK's " + SCHEMA_VERSION + "; refusing to open it rather than misread it");
        }
        if (version == SCHEMA_VERSION) {
            return;
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            // AUTOINCREMENT (not just INTEGER PRIMARY KEY): sequences are never reused even after the newest rows are
            // deleted, so a replay cursor "sequence > n" can never skip a message added later.
            s.execute("CREATE TABLE IF NOT EXISTS message ("
                    + " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " correlation_id TEXT NOT NULL UNIQUE,"
                    + " subject TEXT NOT NULL,"
                    + " payload BLOB NOT NULL,"
                    + " device_ts TEXT,"
                    + " stored_at_ms INTEGER NOT NULL,"
                    + " attempts INTEGER NOT NULL DEFAULT 0)");
            // expire() selects by age; without this index it would scan the whole table.
            s.execute("CREATE INDEX IF NOT EXISTS message_stored_at ON message(stored_at_ms)");
            s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private void loadTotals() throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(length(payload)), 0) FROM message")) {
            rs.next();
            count = rs.getLong(1);
            bytes = rs.getLong(2);
        }
    }

    /**
     * Durably records a message before it is sent. When this method returns, the row is committed and fsynced.
     *
     * <p>The correlation id is unique: re-adding a known id returns the existing row unchanged (payload and sequence
     * of the first add) and stores nothing — so a caller that retries after an ambiguous failure cannot duplicate a
     * reading.
     *
     * @param correlationId   unique id of the publish, reused verbatim on replay (not blank)
     * @param subject         subject to publish to (not blank)
     * @param payload         message body (copied; not null)
     * @param deviceTimestamp the device's timestamp of the reading, stored as given (may be null)
     * @return the stored message, with its sequence
     * @throws StoreFullException under {@code REFUSE_NEW} when a bound would be exceeded, or under any policy when
     *                            the payload alone exceeds {@code maxBytes}; nothing is stored
     * @throws StoreException     if the database fails; nothing is stored
     */
    public StoredMessage add(String correlationId, String subject, byte[] payload, String deviceTimestamp) {
        return addReportingDropped(correlationId, subject, payload, deviceTimestamp).message();
    }

    /**
     * What {@link #addReportingDropped} did.
     *
     * @param message the stored message (or the one already held under that correlation id)
     * @param dropped the messages deleted to make room under {@link StoreLimits.FullPolicy#DROP_OLDEST}, oldest first;
     *                empty under {@code REFUSE_NEW} and whenever the message fitted
     */
    public record Added(StoredMessage message, List<StoredMessage> dropped) {
        /**
         * @param message the stored message
         * @param dropped the messages dropped for it (copied)
         */
        public Added {
            Objects.requireNonNull(message, "message");
            dropped = List.copyOf(dropped);
        }
    }

    /**
     * As {@link #add}, and also returns the messages that {@link StoreLimits.FullPolicy#DROP_OLDEST} deleted to make
     * room, so that the caller can tell whoever waited for them (the SDK fails their futures).
     *
     * @param correlationId   as {@link #add}
     * @param subject         as {@link #add}
     * @param payload         as {@link #add}
     * @param deviceTimestamp as {@link #add}
     * @return the stored message and what was dropped for it
     * @throws StoreFullException as {@link #add}
     * @throws StoreException     as {@link #add}
     */
    public Added addReportingDropped(String correlationId, String subject, byte[] payload, String deviceTimestamp) {
        requireText(correlationId, "correlationId");
        requireText(subject, "subject");
        Objects.requireNonNull(payload, "payload");
        byte[] body = payload.clone(); // the caller may reuse its buffer
        lock.lock();
        try {
            ensureOpen();
            try {
                connection.setAutoCommit(false);
                Optional<StoredMessage> existing = find(correlationId);
                if (existing.isPresent()) {
                    connection.commit();
                    return new Added(existing.get(), List.of());
                }
                List<StoredMessage> victims = makeRoom(correlationId, body.length);
                long storedAtMs = clock.millis();
                long seq;
                try (PreparedStatement ps = connection.prepareStatement(
                        "INSERT INTO message (correlation_id, subject, payload, device_ts, stored_at_ms, attempts)"
                                + " VALUES (?, ?, ?, ?, ?, 0)")) {
                    ps.setString(1, correlationId);
                    ps.setString(2, subject);
                    ps.setBytes(3, body);
                    ps.setString(4, deviceTimestamp);
                    ps.setLong(5, storedAtMs);
                    ps.executeUpdate();
                }
                try (Statement s = connection.createStatement();
                     ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
                    rs.next();
                    seq = rs.getLong(1);
                }
                connection.commit();
                // Counters change only after the commit succeeded, so they never describe a rolled-back state.
                for (StoredMessage v : victims) {
                    count--;
                    bytes -= v.payload().length;
                    dropped++;
                    log.warn("offline store full (policy DROP_OLDEST): dropped message seq={} correlationId={}"
                            + " subject={} storedAt={} to make room for {}", v.sequence(), v.correlationId(),
                            v.subject(), v.storedAt(), correlationId);
                }
                count++;
                bytes += body.length;
                added++;
                return new Added(new StoredMessage(seq, correlationId, subject, body.clone(), deviceTimestamp,
                        Instant.ofEpochMilli(storedAtMs), 0), victims);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly();
                if (e instanceof StoreFullException full) {
                    refused++;
                    log.warn("{}", full.getMessage());
                    throw full;
                }
                throw failure("add " + correlationId, e);
            } finally {
                restoreAutoCommit();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks the bounds for a new message of {@code size} bytes and, under DROP_OLDEST, deletes the oldest rows (in
     * the caller's transaction) until it fits. Returns the deleted rows; throws StoreFullException under REFUSE_NEW.
     */
    private List<StoredMessage> makeRoom(String correlationId, int size) throws SQLException {
        // A payload larger than the whole byte bound can never fit: refuse it under any policy rather than empty
        // the store for nothing.
        if (size > limits.maxBytes()) {
            throw new StoreFullException(StoreFullException.Bound.MAX_BYTES, limits.maxBytes(), bytes, size,
                    correlationId);
        }
        boolean tooMany = count + 1 > limits.maxMessages();
        boolean tooBig = bytes + size > limits.maxBytes();
        if (!tooMany && !tooBig) {
            return List.of();
        }
        if (limits.whenFull() == StoreLimits.FullPolicy.REFUSE_NEW) {
            throw tooMany
                    ? new StoreFullException(StoreFullException.Bound.MAX_MESSAGES, limits.maxMessages(), count, 1,
                            correlationId)
                    : new StoreFullException(StoreFullException.Bound.MAX_BYTES, limits.maxBytes(), bytes, size,
                            correlationId);
        }
        List<StoredMessage> victims = new ArrayList<>();
        long c = count;
        long b = bytes;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM message ORDER BY seq LIMIT 64");
             PreparedStatement delete = connection.prepareStatement("DELETE FROM message WHERE seq = ?")) {
            while (c + 1 > limits.maxMessages() || b + size > limits.maxBytes()) {
                List<StoredMessage> batch = readAll(select);
                if (batch.isEmpty()) {
                    break; // cannot happen while size <= maxBytes and maxMessages >= 1; guards against a loop
                }
                for (StoredMessage m : batch) {
                    if (c + 1 <= limits.maxMessages() && b + size <= limits.maxBytes()) {
                        break;
                    }
                    delete.setLong(1, m.sequence());
                    delete.executeUpdate();
                    victims.add(m);
                    c--;
                    b -= m.payload().length;
                }
            }
        }
        return victims;
    }

    /**
     * Messages still held, oldest first.
     *
     * @param afterSequence only messages with {@code sequence > afterSequence} (use 0 or -1 for all); lets a replay
     *                      page through the store without re-reading what it already sent
     * @param limit         at most this many (&gt; 0)
     */
    public List<StoredMessage> pending(long afterSequence, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0, was " + limit);
        }
        lock.lock();
        try {
            ensureOpen();
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM message WHERE seq > ? ORDER BY seq LIMIT ?")) {
                ps.setLong(1, afterSequence);
                ps.setInt(2, limit);
                return readAll(ps);
            } catch (SQLException e) {
                throw failure("read pending messages", e);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records one more send attempt of the message (for metrics and back-off). Unknown ids are ignored: the message
     * may have been acknowledged or expired meanwhile, which is not an error.
     */
    public void markAttempt(String correlationId) {
        requireText(correlationId, "correlationId");
        lock.lock();
        try {
            ensureOpen();
            try (PreparedStatement ps = connection.prepareStatement(
                    "UPDATE message SET attempts = attempts + 1 WHERE correlation_id = ?")) {
                ps.setString(1, correlationId);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw failure("mark attempt of " + correlationId, e);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The gateway acknowledged the message: remove it.
     *
     * @return {@code true} if it was held, {@code false} if the id is unknown (already acknowledged, expired or
     *         dropped)
     */
    public boolean acknowledged(String correlationId) {
        requireText(correlationId, "correlationId");
        lock.lock();
        try {
            ensureOpen();
            long size;
            try {
                connection.setAutoCommit(false);
                // Read the size and delete in one transaction so the cached byte total stays exact.
                try (PreparedStatement ps = connection.prepareStatement(
                        "SELECT length(payload) FROM message WHERE correlation_id = ?")) {
                    ps.setString(1, correlationId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            connection.commit();
                            return false;
                        }
                        size = rs.getLong(1);
                    }
                }
                try (PreparedStatement ps = connection.prepareStatement(
                        "DELETE FROM message WHERE correlation_id = ?")) {
                    ps.setString(1, correlationId);
                    ps.executeUpdate();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly();
                throw failure("acknowledge " + correlationId, e);
            } finally {
                restoreAutoCommit();
            }
            bytes -= size;
            count--;
            acked++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the messages stored longer than {@link StoreLimits#maxAge()} before {@code now} and returns them, oldest
     * first, so the caller can report exactly which readings expired (an audit trail needs the ids, not a count).
     * Each is also counted in {@link Stats#expired()} and logged.
     */
    public List<StoredMessage> expire(Instant now) {
        return expireAt(now);
    }

    /**
     * As {@link #expire(Instant)}, at the current time of the clock this store was opened with (the clock that
     * stamped {@link StoredMessage#storedAt()}).
     *
     * @return the removed messages, oldest first
     */
    public List<StoredMessage> expire() {
        return expireAt(clock.instant());
    }

    private List<StoredMessage> expireAt(Instant now) {
        Objects.requireNonNull(now, "now");
        long cutoffMs = now.minus(limits.maxAge()).toEpochMilli();
        lock.lock();
        try {
            ensureOpen();
            try {
                connection.setAutoCommit(false);
                List<StoredMessage> gone;
                // Select and delete in one transaction, by the selected sequences, so the returned list is exactly
                // what was deleted.
                try (PreparedStatement ps = connection.prepareStatement(
                        "SELECT " + COLUMNS + " FROM message WHERE stored_at_ms < ? ORDER BY seq")) {
                    ps.setLong(1, cutoffMs);
                    gone = readAll(ps);
                }
                try (PreparedStatement del = connection.prepareStatement("DELETE FROM message WHERE seq = ?")) {
                    for (StoredMessage m : gone) {
                        del.setLong(1, m.sequence());
                        del.addBatch();
                    }
                    if (!gone.isEmpty()) {
                        del.executeBatch();
                    }
                }
                connection.commit();
                for (StoredMessage m : gone) {
                    count--;
                    bytes -= m.payload().length;
                    expired++;
                    log.warn("offline store: message expired unsent after {}: seq={} correlationId={} subject={}"
                            + " storedAt={}", limits.maxAge(), m.sequence(), m.correlationId(), m.subject(),
                            m.storedAt());
                }
                return gone;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly();
                throw failure("expire messages", e);
            } finally {
                restoreAutoCommit();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Number of messages held now. */
    public long count() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Payload bytes held now — the quantity bounded by {@link StoreLimits#maxBytes()}. Subjects, ids and SQLite's own
     * overhead are not counted, so the file is somewhat larger.
     */
    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** A consistent snapshot of the counters. */
    public Stats stats() {
        lock.lock();
        try {
            return new Stats(count, added, acked, expired, dropped, refused);
        } finally {
            lock.unlock();
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** The limits this store enforces. */
    public StoreLimits limits() {
        return limits;
    }

    /**
     * Closes the database. Idempotent. Everything {@link #add} returned is already durable; closing only
     * checkpoints the WAL into the main file.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            connection.close();
        } catch (SQLException e) {
            throw failure("close", e);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Reads a PRAGMA on the store's own connection (synchronous and busy_timeout are per connection); for tests. */
    String pragma(String name) {
        lock.lock();
        try {
            ensureOpen();
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
                return rs.next() ? rs.getString(1) : null;
            } catch (SQLException e) {
                throw failure("read PRAGMA " + name, e);
            }
        } finally {
            lock.unlock();
        }
    }

    private Optional<StoredMessage> find(String correlationId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM message WHERE correlation_id = ?")) {
            ps.setString(1, correlationId);
            List<StoredMessage> rows = readAll(ps);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
        }
    }

    private static List<StoredMessage> readAll(PreparedStatement ps) throws SQLException {
        List<StoredMessage> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new StoredMessage(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getBytes(4),
                        rs.getString(5),
                        Instant.ofEpochMilli(rs.getLong(6)),
                        rs.getInt(7)));
            }
        }
        return out;
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException("offline store " + file + " is closed");
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.warn("offline store {}: rollback failed", file, e);
        }
    }

    private void restoreAutoCommit() {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            log.warn("offline store {}: cannot restore auto-commit", file, e);
        }
    }

    private RuntimeException failure(String what, Exception e) {
        if (e instanceof StoreException se) {
            return se;
        }
        return new StoreException("offline store " + file + ": cannot " + what + ": " + e.getMessage(), e);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already failing; the original exception is the one worth reporting
            }
        }
    }
}
