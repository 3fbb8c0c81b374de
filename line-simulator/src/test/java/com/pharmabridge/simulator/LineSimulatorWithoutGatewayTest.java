package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
        // 1000/s overfills the 512-message buffer of each device, which then gives up its oldest readings; all the
        // while nothing may be sent, connected or answered.
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.dropped() > 0);
        assertThat(simulator.connectedDevices()).isZero();
        assertThat(simulator.published()).isZero();
        assertThat(simulator.acknowledged()).isZero();
        assertThat(simulator.refused()).isZero();

        long started = System.nanoTime();
        simulator.close();
        simulator.close(); // idempotent
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2_000);
        long dropped = simulator.dropped();
        // Over a stretch in which a running simulator would drop hundreds more, nothing changes after close.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> simulator.dropped() == dropped);
    }
}
