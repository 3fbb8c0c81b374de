package com.pharmabridge.sdk.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pharmabridge.sdk.store.StoreLimits.FullPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineStoreTest {

    private static final Instant T0 = Instant.parse("2025-03-01T08:00:00Z");

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("nested/dir/offline.db");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static List<String> ids(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::correlationId).toList();
    }

    @Test
    void openCreatesDirectoriesAndConfiguresWalFullSyncAndSchemaVersion() throws Exception {
        try (OfflineStore store = OfflineStore.open(db(), StoreLimits.defaults())) {
            assertThat(Files.exists(db())).isTrue();
            assertThat(store.count()).isZero();
            assertThat(store.pragma("journal_mode")).isEqualTo("wal");
            assertThat(store.pragma("synchronous")).isEqualTo("2"); // 2 = FULL: fsync the WAL at every commit
            assertThat(store.pragma("busy_timeout")).isEqualTo(String.valueOf(OfflineStore.BUSY_TIMEOUT_MILLIS));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
             Statement s = c.createStatement()) {
            assertThat(pragma(s, "journal_mode")).isEqualTo("wal"); // WAL is persistent in the file
            assertThat(pragma(s, "user_version")).isEqualTo(String.valueOf(OfflineStore.SCHEMA_VERSION));
        }
    }

    @Test
    void refusesToOpenAFileWithANewerSchemaVersion() throws Exception {
        OfflineStore.open(db(), StoreLimits.defaults()).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
             Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = " + (OfflineStore.SCHEMA_VERSION + 1));
        }
        assertThatThrownBy(() -> OfflineStore.open(db(), StoreLimits.defaults()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("newer");
    }

    @Test
    void preservesOrderAndContentAcrossReopen() {
        try (OfflineStore store = OfflineStore.open(db(), StoreLimits.defaults())) {
            for (int i = 0; i < 10; i++) {
                store.add("c-" + i, "line.1.weight", bytes("reading " + i), "2025-03-01T08:00:0" + i + "Z");
            }
            store.markAttempt("c-3");
        }
        try (OfflineStore store = OfflineStore.open(db(), StoreLimits.defaults())) {
            List<StoredMessage> pending = store.pending(0, 100);
            assertThat(ids(pending)).containsExactly("c-0", "c-1", "c-2", "c-3", "c-4", "c-5", "c-6", "c-7", "c-8",
                    "c-9");
            assertThat(pending).extracting(StoredMessage::sequence).isSorted().doesNotHaveDuplicates();
            assertThat(pending.get(3).payload()).isEqualTo(bytes("reading 3"));
            assertThat(pending.get(3).subject()).isEqualTo("line.1.weight");
            assertThat(pending.get(3).deviceTimestamp()).isEqualTo("2025-03-01T08:00:03Z");
            assertThat(pending.get(3).attempts()).isEqualTo(1);
            assertThat(store.count()).isEqualTo(10);
            assertThat(store.bytes()).isEqualTo(10 * "reading 0".length());
        }
    }

    @Test
    void pendingPagesOldestFirstAfterAGivenSequenceWithALimit() {
        try (OfflineStore store = OfflineStore.open(db(), StoreLimits.defaults())) {
            for (int i = 0; i < 5; i++) {
                store.add("c-" + i, "s", bytes("p"), null);
            }
            List<StoredMessage> first = store.pending(0, 2);
            assertThat(ids(first)).containsExactly("c-0", "c-1");
            List<StoredMessage> next = store.pending(first.get(1).sequence(), 2);
            assertThat(ids(next)).containsExactly("c-2", "c-3");
            assertThat(ids(store.pending(next.get(1).sequence(), 10))).containsExactly("c-4");
        }
    }

    @Test
    void addingTheSameCorrelationIdTwiceReturnsTheExistingRowAndStoresOne() {
        try (OfflineStore store = OfflineStore.open(db(), StoreLimits.defaults())) {
            StoredMessage first = store.add("dup", "s", bytes("first"), "t1");
            StoredMessage again = store.add("dup", "other", bytes("second, longer"), "t2");
            assertThat(again).isEqualTo(first);
            assertThat(again.payload()).isEqualTo(bytes("first"));
            assertThat(store.count()).isEqualTo(1);
            assertThat(store.bytes()).isEqualTo(5);
            assertThat(store.stats().added()).isEqualTo(1);
        }
    }

    @Test
    void sequencesAreNeverReusedAfterTheNewestMessageIsAcknowledged() {
        try (OfflineStore store = OfflineStore.open(db(), StoreLimits.defaults())) {
            StoredMessage a = store.add("a", "s", bytes("x"), null);
            store.acknowledged("a");
            StoredMessage b = store.add("b", "s", bytes("x"), null);
            assertThat(b.sequence()).isGreaterThan(a.sequence());
        }
    }

    @Test
    void acknowledgedRemovesTheMessageAndReturnsFalseForUnknownIds() {
        try (OfflineStore store = OfflineStore.open(db(), StoreLimits.defaults())) {
            store.add("a", "s", bytes("aaa"), null);
            store.add("b", "s", bytes("bb"), null);
            assertThat(store.acknowledged("a")).isTrue();
            assertThat(store.acknowledged("a")).isFalse();
            assertThat(store.acknowledged("never-seen")).isFalse();
            assertThat(ids(store.pending(0, 10))).containsExactly("b");
            assertThat(store.count()).isEqualTo(1);
            assertThat(store.bytes()).isEqualTo(2);
            assertThat(store.stats()).isEqualTo(new OfflineStore.Stats(1, 2, 1, 0, 0, 0));
        }
        try (OfflineStore store = OfflineStore.open(db(), StoreLimits.defaults())) {
            assertThat(ids(store.pending(0, 10))).containsExactly("b"); // the removal is durable too
        }
    }

    @Test
    void markAttemptIncrementsAttemptsAndIgnoresUnknownIds() {
        try (OfflineStore store = OfflineStore.open(db(), StoreLimits.defaults())) {
            store.add("a", "s", bytes("x"), null);
            store.markAttempt("a");
            store.markAttempt("a");
            store.markAttempt("unknown");
            assertThat(store.pending(0, 1).get(0).attempts()).isEqualTo(2);
        }
    }

    @Test
    void refuseNewThrowsNamingTheMessageBoundAndStoresNothing() {
        StoreLimits limits = new StoreLimits(3, 1_000, Duration.ofDays(1), FullPolicy.REFUSE_NEW);
        try (OfflineStore store = OfflineStore.open(db(), limits)) {
            store.add("a", "s", bytes("1"), null);
            store.add("b", "s", bytes("2"), null);
            store.add("c", "s", bytes("3"), null);
            assertThatThrownBy(() -> store.add("d", "s", bytes("4"), null))
                    .isInstanceOf(StoreFullException.class)
                    .hasMessageContaining("maxMessages=3")
                    .satisfies(e -> assertThat(((StoreFullException) e).bound())
                            .isEqualTo(StoreFullException.Bound.MAX_MESSAGES));
            assertThat(ids(store.pending(0, 10))).containsExactly("a", "b", "c");
            assertThat(store.stats().refused()).isEqualTo(1);
            assertThat(store.stats().dropped()).isZero();
        }
        try (OfflineStore store = OfflineStore.open(db(), limits)) {
            assertThat(ids(store.pending(0, 10))).containsExactly("a", "b", "c");
        }
    }

    @Test
    void refuseNewThrowsNamingTheByteBoundAndStoresNothing() {
        StoreLimits limits = new StoreLimits(100, 10, Duration.ofDays(1), FullPolicy.REFUSE_NEW);
        try (OfflineStore store = OfflineStore.open(db(), limits)) {
            store.add("a", "s", new byte[6], null);
            assertThatThrownBy(() -> store.add("b", "s", new byte[5], null))
                    .isInstanceOf(StoreFullException.class)
                    .hasMessageContaining("maxBytes=10")
                    .satisfies(e -> assertThat(((StoreFullException) e).bound())
                            .isEqualTo(StoreFullException.Bound.MAX_BYTES));
            assertThat(store.count()).isEqualTo(1);
            assertThat(store.bytes()).isEqualTo(6);
            store.add("c", "s", new byte[4], null); // exactly at the bound is allowed
            assertThat(store.bytes()).isEqualTo(10);
        }
    }

    @Test
    void dropOldestDropsTheOldestMessagesAndCountsThem() {
        StoreLimits limits = new StoreLimits(3, 1_000, Duration.ofDays(1), FullPolicy.DROP_OLDEST);
        try (OfflineStore store = OfflineStore.open(db(), limits)) {
            for (String id : List.of("a", "b", "c", "d", "e")) {
                store.add(id, "s", bytes(id), null);
            }
            assertThat(ids(store.pending(0, 10))).containsExactly("c", "d", "e");
            assertThat(store.stats()).isEqualTo(new OfflineStore.Stats(3, 5, 0, 0, 2, 0));
            assertThat(store.bytes()).isEqualTo(3);
        }
    }

    @Test
    void addReportingDroppedReturnsExactlyTheMessagesDroppedToMakeRoom() {
        StoreLimits limits = new StoreLimits(100, 10, Duration.ofDays(1), FullPolicy.DROP_OLDEST);
        try (OfflineStore store = OfflineStore.open(db(), limits)) {
            assertThat(store.addReportingDropped("a", "s", new byte[3], null).dropped()).isEmpty();
            store.add("b", "s", new byte[3], null);
            store.add("c", "s", new byte[3], null);
            OfflineStore.Added added = store.addReportingDropped("d", "s", new byte[7], null);
            assertThat(ids(added.dropped())).containsExactly("a", "b");
            assertThat(added.message().correlationId()).isEqualTo("d");
            assertThat(store.addReportingDropped("d", "s", new byte[7], null).dropped())
                    .as("an idempotent re-add drops nothing").isEmpty();
            assertThat(store.stats().dropped()).isEqualTo(2);
        }
    }

    @Test
    void expireWithoutAnArgumentUsesTheStoresClock() {
        MutableClock clock = new MutableClock(T0);
        StoreLimits limits = new StoreLimits(100, 1_000, Duration.ofHours(1), FullPolicy.REFUSE_NEW);
        try (OfflineStore store = OfflineStore.open(db(), limits, clock)) {
            store.add("old", "s", bytes("1"), null);
            clock.advance(Duration.ofMinutes(59));
            store.add("young", "s", bytes("2"), null);
            assertThat(store.expire()).isEmpty();
            clock.advance(Duration.ofMinutes(2));
            assertThat(ids(store.expire())).containsExactly("old");
            assertThat(ids(store.pending(0, 10))).containsExactly("young");
        }
    }

    @Test
    void dropOldestDropsAsManyAsNeededForTheByteBound() {
        StoreLimits limits = new StoreLimits(100, 10, Duration.ofDays(1), FullPolicy.DROP_OLDEST);
        try (OfflineStore store = OfflineStore.open(db(), limits)) {
            store.add("a", "s", new byte[3], null);
            store.add("b", "s", new byte[3], null);
            store.add("c", "s", new byte[3], null);
            store.add("d", "s", new byte[7], null); // needs 7: drop a and b (9 - 6 + 7 = 10)
            assertThat(ids(store.pending(0, 10))).containsExactly("c", "d");
            assertThat(store.bytes()).isEqualTo(10);
            assertThat(store.stats().dropped()).isEqualTo(2);
        }
    }

    @Test
    void aPayloadLargerThanTheByteBoundIsRefusedEvenUnderDropOldest() {
        StoreLimits limits = new StoreLimits(100, 10, Duration.ofDays(1), FullPolicy.DROP_OLDEST);
        try (OfflineStore store = OfflineStore.open(db(), limits)) {
            store.add("a", "s", new byte[5], null);
            assertThatThrownBy(() -> store.add("huge", "s", new byte[11], null))
                    .isInstanceOf(StoreFullException.class)
                    .hasMessageContaining("maxBytes");
            assertThat(ids(store.pending(0, 10))).containsExactly("a"); // nothing dropped for nothing
            assertThat(store.stats().dropped()).isZero();
            assertThat(store.stats().refused()).isEqualTo(1);
        }
    }

    @Test
    void expireRemovesAndReturnsExactlyTheMessagesOlderThanMaxAge() {
        MutableClock clock = new MutableClock(T0);
        StoreLimits limits = new StoreLimits(100, 1_000, Duration.ofHours(1), FullPolicy.REFUSE_NEW);
        try (OfflineStore store = OfflineStore.open(db(), limits, clock)) {
            store.add("old-1", "s", bytes("11"), null);
            store.add("old-2", "s", bytes("22"), null);
            clock.advance(Duration.ofMinutes(30));
            store.add("young", "s", bytes("333"), null);

            assertThat(store.expire(T0.plus(Duration.ofMinutes(59)))).isEmpty();

            List<StoredMessage> expired = store.expire(T0.plus(Duration.ofMinutes(61)));
            assertThat(ids(expired)).containsExactly("old-1", "old-2");
            assertThat(expired.get(0).storedAt()).isEqualTo(T0);
            assertThat(expired.get(0).payload()).isEqualTo(bytes("11"));
            assertThat(ids(store.pending(0, 10))).containsExactly("young");
            assertThat(store.bytes()).isEqualTo(3);
            assertThat(store.stats()).isEqualTo(new OfflineStore.Stats(1, 3, 0, 2, 0, 0));
        }
    }

    @Test
    void bytesCountsPayloadBytesThroughAddAckExpireAndReopen() {
        MutableClock clock = new MutableClock(T0);
        StoreLimits limits = new StoreLimits(100, 10_000, Duration.ofHours(1), FullPolicy.REFUSE_NEW);
        try (OfflineStore store = OfflineStore.open(db(), limits, clock)) {
            store.add("a", "s", new byte[100], null);
            clock.advance(Duration.ofHours(2));
            store.add("b", "s", new byte[250], null);
            store.add("c", "s", new byte[0], null);
            store.add("b", "s", new byte[999], null); // idempotent: no change
            assertThat(store.bytes()).isEqualTo(350);
            store.expire(clock.instant());
            assertThat(store.bytes()).isEqualTo(250);
            store.acknowledged("b");
            assertThat(store.bytes()).isZero();
            store.add("d", "s", new byte[42], null);
        }
        try (OfflineStore store = OfflineStore.open(db(), limits, clock)) {
            assertThat(store.bytes()).isEqualTo(42);
            assertThat(store.count()).isEqualTo(2);
        }
    }

    @Test
    void concurrentAddsFromFourThreadsGetUniqueIncreasingSequences() throws Exception {
        int threads = 4;
        int perThread = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (OfflineStore store = OfflineStore.open(db(), StoreLimits.defaults())) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<List<Long>> task = () -> {
                    start.await();
                    List<Long> seqs = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        seqs.add(store.add("t" + thread + "-" + i, "s", bytes("x"), null).sequence());
                    }
                    return seqs;
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : futures) {
                List<Long> seqs = f.get(60, TimeUnit.SECONDS);
                // within one thread, later adds get later sequences
                assertThat(seqs).isSorted().doesNotHaveDuplicates();
                all.addAll(seqs);
            }
            assertThat(all).hasSize(threads * perThread).doesNotHaveDuplicates();
            assertThat(store.count()).isEqualTo(threads * perThread);
            List<StoredMessage> pending = store.pending(0, threads * perThread + 1);
            List<Long> stored = pending.stream().map(StoredMessage::sequence).toList();
            List<Long> sorted = new ArrayList<>(all);
            Collections.sort(sorted);
            assertThat(stored).isEqualTo(sorted);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closedStoreRejectsUseAndCloseIsIdempotent() {
        OfflineStore store = OfflineStore.open(db(), StoreLimits.defaults());
        store.close();
        store.close();
        assertThatThrownBy(() -> store.add("a", "s", bytes("x"), null)).isInstanceOf(StoreException.class);
    }

    @Test
    void limitsRejectNonsenseAndDefaultsAreTheStatedOnes() {
        assertThat(StoreLimits.defaults())
                .isEqualTo(new StoreLimits(100_000, 256L * 1024 * 1024, Duration.ofDays(7), FullPolicy.REFUSE_NEW));
        assertThatThrownBy(() -> new StoreLimits(0, 1, Duration.ofDays(1), FullPolicy.REFUSE_NEW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoreLimits(1, 1, Duration.ZERO, FullPolicy.REFUSE_NEW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static String pragma(Statement s, String name) throws Exception {
        try (ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
