package com.pharmabridge.bench;

import com.pharmabridge.bench.Device.Side;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark command in miniature, so the harness never rots: every scenario, both sides, one short round, against
 * a real nats-server and a real gateway process. It asserts that each side of each scenario actually counted work
 * (a broken harness counts nothing), never how fast anything was.
 */
class BenchSmokeTest {
    @TempDir
    Path dir;

    @Test
    void everyScenarioCountsWorkOnBothSides() throws Exception {
        BenchCli.Run run = new BenchCli.Run();
        new CommandLine(run).parseArgs("--rounds", "1", "--jit-warmup", "0", "--settle-timeout", "1", "--warmup", "0.3", "--duration", "0.7",
                "--ingest", "10x4", "--acked", "5x2", "--delivery", "5", "--latency", "10x500", "--connections", "50",
                "--gateway-jvm", "-Xmx512m -XX:TieredStopAtLevel=1", "--out", dir.toString());
        Report report = run.execute(dir);
        report.write(dir);

        assertThat(report.rows).extracting(r -> r.scenario).containsExactly("ingest",
                "acked JetStream ingest (native = direct jnats publishAsync)", "delivery (fan-out)", "latency round trip",
                "connections (storm + idle)");
        for (Report.Row row : report.rows) {
            for (Side side : Side.values()) {
                List<Map<String, Double>> rounds = row.rounds.get(side);
                assertThat(rounds).as(row.scenario + " " + side).hasSize(1);
                assertThat(rounds.get(0).get(row.metric)).as(row.scenario + " " + side + " " + row.metric).isPositive();
            }
        }
        Report.Row latency = report.find("latency round trip", "10 devices, 500 msg/s");
        assertThat(latency.mean(Side.GATEWAY, "received")).isPositive();
        assertThat(latency.mean(Side.NATIVE, "received")).isPositive();
        Report.Row connections = report.find("connections (storm + idle)", "50 devices");
        assertThat(connections.mean(Side.GATEWAY, "connected")).isEqualTo(50);
        assertThat(connections.mean(Side.GATEWAY, "heapBytesPerConn")).isNotNaN();
        assertThat(report.find("ingest", "10 conns x 4 frames/write").mean(Side.GATEWAY, "errors")).isZero();
        assertThat(report.targets).isNotEmpty();
        assertThat(dir.resolve("results.md")).exists();
        assertThat(dir.resolve("results.json")).exists();
        assertThat(dir.resolve("results.html")).content().contains("<svg");
    }
}
