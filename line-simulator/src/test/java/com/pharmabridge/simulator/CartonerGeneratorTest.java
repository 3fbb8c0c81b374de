package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static com.pharmabridge.simulator.TestReadings.BATCH;
import static org.assertj.core.api.Assertions.assertThat;

class CartonerGeneratorTest {
    private final List<TestReadings.Parsed> readings = TestReadings.take(Equipment.CARTONER, 20_000);

    @Test
    void publishesItsMetricsOnTheHierarchyWithTheBatch() {
        assertThat(readings.stream().map(TestReadings.Parsed::subject).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(
                        "factory.chicago.line1.cartoner.count",
                        "factory.chicago.line1.cartoner.reject",
                        "quality.line1.cartoner.carton-inspection");
        assertThat(readings).allSatisfy(r -> assertThat(r.payload().path("batchId").asText()).isEqualTo(BATCH));
    }

    @Test
    void countIsCumulative() {
        long previous = 0;
        long increases = 0;
        for (TestReadings.Parsed r : of("count")) {
            long value = r.payload().path("value").asLong();
            assertThat(value).isGreaterThanOrEqualTo(previous);
            assertThat(value - previous).isLessThanOrEqualTo(14);
            increases += value > previous ? 1 : 0;
            previous = value;
            assertThat(r.payload().path("unit").asText()).isEqualTo("cartons");
        }
        assertThat(increases).isEqualTo(of("count").size());
    }

    @Test
    void rejectsNameAKnownReason() {
        List<TestReadings.Parsed> rejects = of("reject");
        assertThat(rejects).isNotEmpty().allSatisfy(r -> {
            assertThat(r.payload().path("value").asInt()).isEqualTo(1);
            assertThat(r.payload().path("reason").asText()).isIn(CartonerGenerator.REJECT_REASONS);
        });
        assertThat(rejects.stream().map(r -> r.payload().path("reason").asText()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(CartonerGenerator.REJECT_REASONS);
    }

    private List<TestReadings.Parsed> of(String metric) {
        return readings.stream().filter(r -> r.metric().equals(metric)).toList();
    }
}
