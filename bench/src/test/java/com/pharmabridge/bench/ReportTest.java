package com.pharmabridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.bench.Device.Side;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a run measured on one side only (a {@code --sides} run) looks like in the three result files. */
class ReportTest {
    @Test
    void aRowMeasuredOnOneSideHasNoRatioRatherThanNaN(@TempDir Path dir) throws Exception {
        Report report = new Report();
        report.machine.put("commit", "abc1234");
        report.row("ingest", "100 conns x 8 frames/write", "msgsPerSec", false).rounds.get(Side.GATEWAY)
                .add(Map.of("msgsPerSec", 350_000.0));
        Report.Row both = report.row("delivery (fan-out)", "100 subscribers", "msgsPerSec", false);
        both.rounds.get(Side.NATIVE).add(Map.of("msgsPerSec", 1_000_000.0));
        both.rounds.get(Side.GATEWAY).add(Map.of("msgsPerSec", 2_000_000.0));
        report.write(dir);

        String markdown = Files.readString(dir.resolve("results.md"));
        assertThat(markdown).doesNotContain("NaN").contains("| 350.0k | n/a |").contains("| 2.00 |")
                .contains("- commit: abc1234");
        assertThat(Files.readString(dir.resolve("results.html"))).doesNotContain("NaN").contains("(ratio n/a)")
                .contains("(ratio 2.00)");
        JsonNode rows = new ObjectMapper().readTree(dir.resolve("results.json").toFile()).path("rows");
        assertThat(rows.get(0).path("ratio").isNull()).isTrue();
        assertThat(rows.get(1).path("ratio").asDouble()).isEqualTo(2.0);
    }
}
