package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LineDescriptionLoaderTest {
    private static final String MINIMAL = """
            plants:
              - id: chicago
                lines:
                  - id: line1
                    machines:
                      - {type: blister-sealer}
            """;

    @Test
    void theShippedExampleLoads() {
        LineDescription example = LineDescriptionLoader.load(Path.of("src/main/resources/lines/example.yaml"));
        assertThat(example.speed()).isEqualTo(60);
        assertThat(example.duration()).isEqualTo(Duration.ofHours(8));
        assertThat(example.plants()).extracting(LineDescription.Plant::id).containsExactly("chicago", "leiden");
        assertThat(example.lines()).extracting(LineDescription.Line::id).containsExactly("line1", "line2", "line3");
        assertThat(example.deviceIds()).hasSize(15).contains("hmi-line1", "hmi-line2", "cartoner-leiden-1");
        assertThat(example.outages()).containsExactly(new LineDescription.Outage("cartoner-line1-01",
                Duration.ofMinutes(30), Duration.ofMinutes(10)));
        assertThat(example.lines().get(1).batches().duration()).isEqualTo(Duration.ofHours(3));
    }

    @Test
    void leftOutKeysTakeTheirDefaults() {
        LineDescription line = LineDescriptionLoader.parse(MINIMAL);
        assertThat(line.seed()).isEqualTo(42);
        assertThat(line.speed()).isEqualTo(1);
        assertThat(line.duration()).isNull();
        assertThat(line.start()).isNull();
        assertThat(line.offlineStore()).isEqualTo(LineDescription.OfflineStoreKind.DISK);
        LineDescription.Line first = line.lines().get(0);
        assertThat(first.hmiId()).isEqualTo("hmi-line1");
        assertThat(first.product()).isEqualTo(LineDescription.Product.DEFAULT);
        assertThat(first.batches()).isEqualTo(LineDescription.BatchPlan.DEFAULT);
        assertThat(first.machines()).containsExactly(new LineDescription.Machine("blister-sealer-line1-01",
                Equipment.BLISTER_SEALER, Duration.ofSeconds(2)));
    }

    @Test
    void speedMaxStartAndMemoryStore() {
        LineDescription line = LineDescriptionLoader.parse("speed: max\nstart: 2026-01-15T06:00:00Z\n"
                + "offlineStore: memory\nduration: 1h30m\n" + MINIMAL);
        assertThat(line.asFastAsPossible()).isTrue();
        assertThat(line.start()).isEqualTo(Instant.parse("2026-01-15T06:00:00Z"));
        assertThat(line.offlineStore()).isEqualTo(LineDescription.OfflineStoreKind.MEMORY);
        assertThat(line.duration()).isEqualTo(Duration.ofMinutes(90));
    }

    @ParameterizedTest
    @CsvSource({"90s,PT1M30S", "5m,PT5M", "8h,PT8H", "1h30m,PT1H30M", "250ms,PT0.25S", "2d,PT48H", "PT2H,PT2H"})
    void durations(String text, String iso) {
        assertThat(LineDescriptionLoader.duration(new com.fasterxml.jackson.databind.node.TextNode(text), "x"))
                .isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "speed: fast                                   | speed: expected a number above 0",
            "speed: 0                                      | speed: expected a number above 0",
            "duration: soon                                | duration: expected a duration such as 90s",
            "duration: 5x                                  | duration: expected a duration",
            "start: yesterday                              | start: expected an ISO-8601 instant",
            "offlineStore: cloud                           | offlineStore: expected disk or memory",
            "colour: red                                   | colour: unknown key",
            "outages: [{device: nobody, at: 1m, for: 1m}]  | outage of an unknown device: nobody",
            "outages: [{device: hmi-line1, at: 1m}]        | outages[0].for: expected a duration"})
    void mistakesAreNamedWithTheirKey(String extra, String message) {
        assertThatThrownBy(() -> LineDescriptionLoader.parse(extra + "\n" + MINIMAL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void mistakesInsideLinesAreNamedWithTheirPath() {
        assertThatThrownBy(() -> LineDescriptionLoader.parse(MINIMAL.replace("blister-sealer", "labeller")))
                .hasMessageContaining("plants[0].lines[0].machines[0].type: unknown equipment 'labeller'");
        assertThatThrownBy(() -> LineDescriptionLoader.parse(MINIMAL.replace("{type: blister-sealer}",
                "{type: cartoner, cycle: fast}"))).hasMessageContaining("plants[0].lines[0].machines[0].cycle");
        assertThatThrownBy(() -> LineDescriptionLoader.parse(MINIMAL.replace("id: line1", "id: line.1")))
                .hasMessageContaining("plants[0].lines[0]").hasMessageContaining("line id");
        assertThatThrownBy(() -> LineDescriptionLoader.parse(MINIMAL.replace("    machines:",
                "    product: {gtin: \"05012345678901\"}\n        machines:")))
                .hasMessageContaining("plants[0].lines[0].product").hasMessageContaining("check digit");
        assertThatThrownBy(() -> LineDescriptionLoader.parse(MINIMAL.replace("    machines:",
                "    batches: {prefix: TOOLONG}\n        machines:")))
                .hasMessageContaining("plants[0].lines[0].batches").hasMessageContaining("1 to 4");
        assertThatThrownBy(() -> LineDescriptionLoader.parse("plants: []"))
                .hasMessageContaining("plants: expected a list of at least one plant");
        assertThatThrownBy(() -> LineDescriptionLoader.parse("- not a mapping"))
                .hasMessageContaining("expected a mapping");
        assertThatThrownBy(() -> LineDescriptionLoader.parse("plants: [ {id: a, lines: [ {id: l1"))
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void deviceAndLineIdsMustBeUnique() {
        String twoMachines = MINIMAL + "          - {type: blister-sealer}\n";
        assertThatThrownBy(() -> LineDescriptionLoader.parse(twoMachines))
                .hasMessageContaining("device id used twice: blister-sealer-line1-01");
        String twoPlants = MINIMAL + "  - id: leiden\n    lines:\n      - id: line1\n        hmi: hmi-leiden\n"
                + "        machines:\n          - {id: sealer-leiden, type: blister-sealer}\n";
        assertThatThrownBy(() -> LineDescriptionLoader.parse(twoPlants)).hasMessageContaining("line id used twice");
    }
}
