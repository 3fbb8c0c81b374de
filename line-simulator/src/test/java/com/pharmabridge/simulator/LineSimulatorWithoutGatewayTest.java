package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator's life cycle when nothing answers: it keeps trying, buffers what it cannot send, and stops cleanly. */
class LineSimulatorWithoutGatewayTest {
    @Test
    void withNoGatewayNothingIsPublishedAndCloseReturnsPromptly() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // free again once closed: connections are refused
        }
        List<SimulatedDevice> devices = List.of(
                new SimulatedDevice("sealer-1", "t", Equipment.BLISTER_SEALER, "chicago", "line1"),
                new SimulatedDevice("serializer-1", "t", Equipment.SERIALIZATION, "chicago", "line1"));
        LineSimulator simulator = LineSimulator.start(URI.create("ws://127.0.0.1:" + port + "/ws"), devices,
                new SimulationOptions(1_000, "B1", 1));
        Thread.sleep(1_500);
        assertThat(simulator.connectedDevices()).isZero();
        assertThat(simulator.published()).isZero();
        assertThat(simulator.acknowledged()).isZero();
        assertThat(simulator.refused()).isZero();
        // 1000/s for 1.5 s overfills the 512-message buffer of each device, which then gives up its oldest readings.
        assertThat(simulator.dropped()).isPositive();

        long started = System.nanoTime();
        simulator.close();
        simulator.close(); // idempotent
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2_000);
        long dropped = simulator.dropped();
        Thread.sleep(300);
        assertThat(simulator.dropped()).as("no ticks after close").isEqualTo(dropped);
    }
}
