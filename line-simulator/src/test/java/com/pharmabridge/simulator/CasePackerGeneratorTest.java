package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static com.pharmabridge.simulator.TestReadings.BATCH;
import static org.assertj.core.api.Assertions.assertThat;

class CasePackerGeneratorTest {
    private final List<TestReadings.Parsed> readings = TestReadings.take(Equipment.CASE_PACKER, 20_000);

    @Test
    void publishesWeightsAndFailedWeightChecksWithTheBatch() {
        assertThat(readings.stream().map(TestReadings.Parsed::subject).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(
                        "factory.chicago.line1.case-packer.weight",
                        "quality.line1.case-packer.weight-check");
        assertThat(readings).allSatisfy(r -> assertThat(r.payload().path("batchId").asText()).isEqualTo(BATCH));
    }

    @Test
    void weightsArePlausibleAndAcceptedExactlyWithinTolerance() {
        List<TestReadings.Parsed> weights = readings.stream().filter(r -> r.metric().equals("weight")).toList();
        assertThat(weights).allSatisfy(r -> {
            double value = r.payload().path("value").asDouble();
            assertThat(value).isBetween(11.0, 13.0);
            assertThat(r.payload().path("unit").asText()).isEqualTo("kg");
            assertThat(r.payload().path("target").asDouble()).isEqualTo(12.5);
            assertThat(r.payload().path("tolerance").asDouble()).isEqualTo(0.25);
            assertThat(r.payload().path("accepted").asBoolean()).isEqualTo(Math.abs(value - 12.5) <= 0.25);
        });
        long rejected = weights.stream().filter(r -> !r.payload().path("accepted").asBoolean()).count();
        assertThat(rejected).isPositive().isLessThan(weights.size() / 20);
    }

    @Test
    void everyRejectedCaseIsFollowedByAFailedWeightCheck() {
        for (int i = 0; i < readings.size(); i++) {
            TestReadings.Parsed r = readings.get(i);
            if (r.metric().equals("weight") && !r.payload().path("accepted").asBoolean()) {
                TestReadings.Parsed check = readings.get(i + 1);
                assertThat(check.metric()).isEqualTo("weight-check");
                assertThat(check.payload().path("result").asText()).isEqualTo("fail");
                assertThat(check.payload().path("value").asDouble()).isEqualTo(r.payload().path("value").asDouble());
                assertThat(check.payload().path("case").asLong()).isEqualTo(r.payload().path("case").asLong());
            }
            if (r.metric().equals("weight-check")) {
                assertThat(readings.get(i - 1).payload().path("accepted").asBoolean()).isFalse();
            }
        }
    }
}
