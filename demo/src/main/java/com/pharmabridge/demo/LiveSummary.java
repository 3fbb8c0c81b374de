package com.pharmabridge.demo;

import com.pharmabridge.simulator.LineSimulator;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.time.Duration;
import java.util.List;

/** The demo's one status line: machines connected, messages stored per stream, acknowledged and refused. */
final class LiveSummary implements AutoCloseable {
    private static final List<String> STREAMS = List.of("TELEMETRY", "EVENTS", "ALERTS", "QUALITY", "BATCHES", "COMMANDS");

    private final Connection connection;
    private final JetStreamManagement jsm;
    private final LineSimulator simulator;
    private final int machines;
    private final boolean terminal = System.console() != null;
    private int printed;

    LiveSummary(String natsUrl, LineSimulator simulator, int machines) throws Exception {
        this.connection = Nats.connect(new Options.Builder().server(natsUrl).connectionName("demo-summary")
                .maxReconnects(-1).reconnectWait(Duration.ofMillis(500)).build());
        this.jsm = connection.jetStreamManagement();
        this.simulator = simulator;
        this.machines = machines;
    }

    String line() {
        StringBuilder out = new StringBuilder()
                .append("machines ").append(simulator.connectedDevices()).append('/').append(machines).append(" |");
        for (String stream : STREAMS) {
            out.append(' ').append(stream).append(' ').append(count(stream));
        }
        return out.append(" | acked ").append(simulator.acknowledged())
                .append(" refused ").append(simulator.refused()).toString();
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
        System.out.println((terminal ? "\r" : "") + line());
    }

    /** Prints the final figures, then lets go of NATS; runs when the demo stops, however it stops. */
    @Override
    public void close() throws InterruptedException {
        printFinal();
        connection.close();
    }
}
