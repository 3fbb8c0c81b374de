package com.pharmabridge.demo;

import com.pharmabridge.historian.HistorianConfig;
import com.pharmabridge.historian.ingest.Historian;
import com.pharmabridge.historian.report.BatchRecord;
import com.pharmabridge.historian.report.BatchRecordLoader;
import com.pharmabridge.historian.report.BatchReportWriter;
import com.pharmabridge.historian.store.Database;
import com.pharmabridge.historian.store.RecordTable;
import io.nats.client.api.ConsumerInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes the batch report (JSON and HTML) of every batch the historian has seen complete, once its records have
 * had a few seconds to arrive from the other streams. A last pass runs when the demo stops.
 */
final class BatchReports implements AutoCloseable {
    static final Duration SETTLE = Duration.ofSeconds(3);

    private final Database db;
    private final Path dir;
    private final Historian historian;
    private final HistorianConfig config;
    private final Set<String> written = new HashSet<>();
    private final Map<String, Instant> firstSeen = new HashMap<>();

    BatchReports(Database db, Path dir, Historian historian, HistorianConfig config) {
        this.db = db;
        this.dir = dir;
        this.historian = historian;
        this.config = config;
    }

    /** Waits (at most {@code timeout}) until the historian has stored everything its streams hold. */
    void awaitHistorianCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                boolean caughtUp = true;
                for (RecordTable table : config.tables()) {
                    ConsumerInfo info = historian.nats().jetStreamManagement()
                            .getConsumerInfo(table.stream(), config.durable());
                    caughtUp &= info.getNumPending() == 0 && info.getNumAckPending() == 0;
                }
                if (caughtUp) {
                    return;
                }
            } catch (java.io.IOException | io.nats.client.JetStreamApiException e) {
                // a consumer not made yet: not caught up
            }
            Thread.sleep(200);
        }
    }

    /** Writes the reports that are due; returns how many it wrote. */
    int writeDue(boolean regardlessOfSettling) {
        int count = 0;
        try (Connection c = db.admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT batch_id FROM batches WHERE completed_at IS NOT NULL")) {
            BatchRecordLoader loader = new BatchRecordLoader(c);
            java.util.List<String> completed = new java.util.ArrayList<>();
            while (rs.next()) {
                completed.add(rs.getString(1));
            }
            for (String batch : completed) {
                Instant seen = firstSeen.computeIfAbsent(batch, b -> Instant.now());
                boolean settled = Duration.between(seen, Instant.now()).compareTo(SETTLE) >= 0;
                if (written.contains(batch) || !(settled || regardlessOfSettling)) {
                    continue;
                }
                BatchRecord record = loader.load(batch);
                if (record != null) {
                    Files.createDirectories(dir);
                    Files.writeString(dir.resolve(batch + ".json"), BatchReportWriter.json(record));
                    Files.writeString(dir.resolve(batch + ".html"), BatchReportWriter.html(record, Instant.now()));
                    written.add(batch);
                    count++;
                }
            }
        } catch (SQLException | java.io.IOException e) {
            System.err.println("Batch reports not written this time: " + e.getMessage());
        }
        return count;
    }

    int written() {
        return written.size();
    }

    /** The last pass: once the historian has everything, every completed batch gets its report. */
    @Override
    public void close() throws InterruptedException {
        awaitHistorianCaughtUp(Duration.ofSeconds(30));
        writeDue(true);
    }
}
