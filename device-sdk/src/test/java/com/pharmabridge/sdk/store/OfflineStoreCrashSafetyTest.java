package com.pharmabridge.sdk.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL (no shutdown hooks, no close) in the middle of writing loses nothing that
 * {@link OfflineStore#add} had returned, keeps the order, and leaves a file that is not corrupt.
 */
class OfflineStoreCrashSafetyTest {

    /** Far more than the child can write before it is killed, so the kill always lands mid-way. */
    private static final int TO_WRITE = 10_000_000;
    /** Kill after this many confirmed commits. */
    private static final int KILL_AFTER = 300;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyMessageWhoseCommitWasReportedSurvivesSigkillInOrderAndTheFileIsNotCorrupt() throws Exception {
        Path db = dir.resolve("crash/offline.db");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StoreWriterMain.class.getName(), db.toString(), String.valueOf(TO_WRITE))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();

        List<String> committed = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("committed ")) {
                    committed.add(line.substring("committed ".length()));
                    if (committed.size() == KILL_AFTER) {
                        // SIGKILL on Linux: no close(), no shutdown hook, no checkpoint. Through the ProcessHandle,
                        // because Process.destroyForcibly() also closes our end of the pipe, and the lines printed
                        // before the kill are still in it and count as committed: read on until EOF.
                        child.toHandle().destroyForcibly();
                    }
                }
            }
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("child was killed, not finished").isNotZero();
        assertThat(committed).hasSizeGreaterThanOrEqualTo(KILL_AFTER).hasSizeLessThan(TO_WRITE);

        try (OfflineStore store = OfflineStore.open(db, StoreLimits.defaults())) {
            List<StoredMessage> stored = store.pending(0, committed.size() + 10);
            List<String> storedIds = stored.stream().map(StoredMessage::correlationId).toList();
            // Every reported commit is there, in order; at most one more (committed but killed before printing).
            assertThat(storedIds.subList(0, Math.min(committed.size(), storedIds.size()))).isEqualTo(committed);
            assertThat(storedIds.size()).isBetween(committed.size(), committed.size() + 1);
            assertThat(stored).extracting(StoredMessage::sequence).isSorted().doesNotHaveDuplicates();
            assertThat(store.count()).isEqualTo(stored.size());
            assertThat(new String(stored.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("reading 0");
        }

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement()) {
            assertThat(OfflineStoreTest.pragma(s, "integrity_check")).isEqualTo("ok");
        }
    }
}
