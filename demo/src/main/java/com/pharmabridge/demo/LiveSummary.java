package com.pharmabridge.demo;

import com.pharmabridge.simulator.LineSimulator;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.time.Duration;
import java.util.List;

/**
 * The demo's one status line: simulated time (UTC), devices connected, messages stored per stream, acknowledged,
 * waiting in offline stores and refused, batches completed/started, commands obeyed/sent.
 */
final class LiveSummary implements AutoCloseable {
    private static final java.time.format.DateTimeFormatter SIM_TIME = java.time.format.DateTimeFormatter
            .ofPattern("MM-dd HH:mm:ss").withZone(java.time.ZoneOffset.UTC);
    private static final List<String> STREAMS = List.of("TELEMETRY", "EVENTS", "ALERTS", "QUALITY", "BATCHES", "COMMANDS");

    private final Connection connection;
    private final JetStreamManagement jsm;
    private volatile LineSimulator simulator;
    private final boolean terminal = System.console() != null;
    private int printed;

    LiveSummary(String natsUrl) throws Exception {
        this.connection = Nats.connect(new Options.Builder().server(natsUrl).connectionName("demo-summary")
                .maxReconnects(-1).reconnectWait(Duration.ofMillis(500)).build());
        this.jsm = connection.jetStreamManagement();
    }

    private volatile int reports;

    void follow(LineSimulator running) {
        this.simulator = running;
    }

    void reportsWritten(int count) {
        this.reports = count;
    }

    String line() {
        if (simulator == null) {
            return "starting";
        }
        LineSimulator.Totals totals = simulator.totals();
        StringBuilder out = new StringBuilder()
                .append(SIM_TIME.format(totals.simulatedTime())).append(" | devices ").append(totals.connected())
                .append('/').append(totals.devices()).append(" |");
        for (String stream : STREAMS) {
            out.append(' ').append(stream).append(' ').append(count(stream));
        }
        return out.append(" | acked ").append(totals.acknowledged()).append(" pending ").append(totals.pending())
                .append(" refused ").append(totals.refused()).append(" | batches ").append(totals.batchesCompleted())
                .append('/').append(totals.batchesStarted()).append(" commands ").append(totals.commandsObeyed())
                .append('/').append(totals.commandsSent()).append(reports > 0 ? " | reports " + reports : "").toString();
    }

    private String count(String stream) {
        try {
            return Long.toString(jsm.getStreamInfo(stream).getStreamState().getMsgCount());
        } catch (Exception e) {
            return "?";
        }
    }

    /** On a terminal the line is redrawn in place; in a log it is printed every fifth second. */
    void print() {
        if (terminal) {
            System.out.print("\r" + line() + "   ");
            System.out.flush();
        } else if (printed++ % 5 == 0) {
            System.out.println(line());
        }
    }

    void printFinal() {
        System.out.println((terminal ? "\r" : "") + "final: " + line());
    }

    /** Prints the final figures, then lets go of NATS; runs when the demo stops, however it stops. */
    @Override
    public void close() throws InterruptedException {
        printFinal();
        connection.close();
    }
}
