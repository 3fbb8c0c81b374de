package com.pharmabridge.historian.ingest;

import com.pharmabridge.historian.HistorianConfig;
import com.pharmabridge.historian.store.Database;
import com.pharmabridge.historian.store.RecordTable;
import com.pharmabridge.historian.store.Retention;
import com.pharmabridge.historian.store.Schema;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The historian service: schema up to date, one ingestor thread per stream on one NATS connection, and the retention
 * job on a schedule.
 */
public final class Historian implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Historian.class);

    private final HistorianConfig config;
    private final Database db;
    private final AckGate ackGate;
    private final IngestStats stats = new IngestStats();
    private final List<StreamIngestor> ingestors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService housekeeping;
    private final Thread connector;
    private volatile Connection nats;
    private final java.util.concurrent.atomic.AtomicInteger failedConnects = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    private Historian(HistorianConfig config, Database db, AckGate ackGate) {
        this.config = config;
        this.db = db;
        this.ackGate = ackGate;
        this.connector = new Thread(this::connect, "historian-nats-connect");
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "historian-housekeeping");
            t.setDaemon(true);
            return t;
        });
    }

    public static Historian start(HistorianConfig config, Database db) throws Exception {
        return start(config, db, AckGate.ALWAYS);
    }

    /**
     * Migrates the schema, applies the retention configuration and starts consuming. Fails if the database cannot be
     * reached now; NATS may come later (the ingestors wait for it).
     */
    public static Historian start(HistorianConfig config, Database db, AckGate ackGate) throws Exception {
        prepare(config, db);
        Historian historian = new Historian(config, db, ackGate);
        historian.connector.start();
        historian.housekeeping.scheduleAtFixedRate(historian::logProgress, 1, 1, TimeUnit.MINUTES);
        if (config.retentionEvery() != null) {
            long every = config.retentionEvery().toMillis();
            historian.housekeeping.scheduleWithFixedDelay(historian::runRetentionQuietly, Math.min(every, 60_000), every,
                    TimeUnit.MILLISECONDS);
        }
        LOG.info("Historian consuming {} from {} into {}", config.tables().stream().map(RecordTable::stream).toList(),
                config.natsUrl(), db);
        return historian;
    }

    /**
     * Connects to NATS, waiting as long as it takes (the first connection; later outages are jnats' reconnects), then
     * starts one ingestor per stream.
     */
    private void connect() {
        Options options = natsOptions(config.natsUrl());
        boolean logged = false;
        while (!closed) {
            try {
                Connection connection = Nats.connect(options);
                startIngestors(connection);
                return;
            } catch (IOException e) {
                failedConnects.incrementAndGet();
                if (!logged) {
                    LOG.warn("NATS not reachable at {} ({}); trying again every second", config.natsUrl(),
                            e.getMessage());
                    logged = true;
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void startIngestors(Connection connection) throws InterruptedException {
        if (closed) {
            connection.close();
            return;
        }
        nats = connection;
        for (RecordTable table : config.tables()) {
            StreamIngestor ingestor = new StreamIngestor(table, connection, db, config, stats, ackGate);
            Thread thread = new Thread(ingestor, "historian-" + table.stream());
            ingestors.add(ingestor);
            threads.add(thread);
            thread.start();
        }
    }

    /** Schema migrations, the writer's login where the historian owns the server, and the retention settings. */
    public static void prepare(HistorianConfig config, Database db) throws SQLException {
        Map<String, String> layout = Schema.migrate(db);
        LOG.info("Record tables: {}", layout);
        if (db.ownsWriterLogin()) {
            Schema.enableWriterLogin(db, db.writerPassword());
        } else if (db.writerUser() == null) {
            Schema.letOwnerActAsWriter(db);
        }
        Schema.applyRetention(db, config.retention());
    }

    private static Options natsOptions(String url) {
        return new Options.Builder()
                .server(url)
                .connectionName("pharmabridge-historian")
                .maxReconnects(-1)
                .reconnectWait(Duration.ofSeconds(1))
                .connectionTimeout(Duration.ofSeconds(5))
                .connectionListener((connection, event) -> {
                    if (event == ConnectionListener.Events.DISCONNECTED) {
                        LOG.warn("NATS connection lost; reconnecting to {}", url);
                    } else if (event == ConnectionListener.Events.RECONNECTED
                            || event == ConnectionListener.Events.CONNECTED) {
                        LOG.info("NATS connected: {}", connection.getConnectedUrl());
                    }
                })
                .errorListener(new ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        LOG.warn("NATS error: {}", error);
                    }

                    @Override
                    public void exceptionOccurred(Connection conn, Exception exp) {
                        LOG.debug("NATS connection exception: {}", exp.toString());
                    }
                })
                .build();
    }

    /** Runs the retention job now. */
    public Map<RecordTable, Long> runRetention() throws SQLException {
        return Retention.run(db);
    }

    private long lastLogged = -1;

    /** Once a minute, when anything was stored since the last time. */
    private void logProgress() {
        long total = stats.insertedTotal() + stats.duplicatesTotal();
        if (total != lastLogged) {
            LOG.info("Stored so far: {}", stats);
            lastLogged = total;
        }
    }

    private void runRetentionQuietly() {
        try {
            runRetention();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Retention job failed (it runs again in {}): {}", config.retentionEvery(), e.getMessage());
        }
    }

    public IngestStats stats() {
        return stats;
    }

    /** First connection attempts that found NATS unreachable (tried again every second). */
    int failedConnects() {
        return failedConnects.get();
    }

    /** @return the NATS connection, or null until the first connection is made */
    public Connection nats() {
        return nats;
    }

    /**
     * Stops pulling, lets each ingestor finish the batch in hand (stored and acknowledged, or left unacknowledged for
     * redelivery), sends the last acks and closes the NATS connection.
     */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        housekeeping.shutdownNow();
        connector.interrupt();
        connector.join(Duration.ofSeconds(30).toMillis());
        ingestors.forEach(StreamIngestor::stop);
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(30).toMillis());
        }
        Connection connection = nats;
        if (connection != null) {
            try {
                connection.flush(Duration.ofSeconds(2));
            } catch (Exception e) {
                LOG.debug("Final flush: {}", e.toString());
            }
            connection.close();
        }
        LOG.info("Historian stopped: {}", stats);
    }
}
