package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static com.pharmabridge.simulator.TestReadings.BATCH;
import static org.assertj.core.api.Assertions.assertThat;

class BlisterSealerGeneratorTest {
    private static final int COUNT = 50_000;
    private final List<TestReadings.Parsed> readings = TestReadings.take(Equipment.BLISTER_SEALER, COUNT);

    @Test
    void publishesItsMetricsOnTheHierarchy() {
        assertThat(readings.stream().map(TestReadings.Parsed::subject).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(
                        "factory.chicago.line1.blister-sealer.temperature",
                        "factory.chicago.line1.blister-sealer.pressure",
                        "factory.chicago.line1.blister-sealer.dwell-time",
                        "quality.line1.blister-sealer.seal-integrity",
                        "alerts.chicago.line1.temperature-excursion");
    }

    @Test
    void everyPayloadCarriesTheBatch() {
        assertThat(readings).allSatisfy(r -> assertThat(r.payload().path("batchId").asText()).isEqualTo(BATCH));
    }

    @Test
    void temperaturesStayNearTheSetpointInBothZones() {
        List<TestReadings.Parsed> temperatures = of("temperature");
        assertThat(temperatures).allSatisfy(r -> {
            assertThat(r.payload().path("unit").asText()).isEqualTo("C");
            assertThat(r.payload().path("setpoint").asDouble()).isEqualTo(185.0);
            assertThat(r.payload().path("value").asDouble()).isBetween(180.0, 196.0);
        });
        assertThat(temperatures.stream().map(r -> r.payload().path("zone").asText()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("upper", "lower");
        long normal = temperatures.stream().filter(r -> Math.abs(r.payload().path("value").asDouble() - 185.0) <= 2.5)
                .count();
        assertThat(normal).isGreaterThan(temperatures.size() * 98L / 100);
        // Noise: not a flat line.
        assertThat(temperatures.stream().map(r -> r.payload().path("value").asDouble()).distinct().count())
                .isGreaterThan(20);
    }

    @Test
    void everyExcursionAboveTheLimitRaisesAnAlertRightAfterIt() {
        int excursions = 0;
        for (int i = 0; i < readings.size() - 1; i++) {
            TestReadings.Parsed r = readings.get(i);
            boolean alertFollows = readings.get(i + 1).metric().equals("temperature-excursion");
            if (r.metric().equals("temperature") && r.payload().path("value").asDouble() > 190.0) {
                excursions++;
                assertThat(alertFollows).as("alert after %s", r.raw()).isTrue();
                var alert = readings.get(i + 1).payload();
                assertThat(alert.path("severity").asText()).isEqualTo("high");
                assertThat(alert.path("limit").asDouble()).isEqualTo(190.0);
                assertThat(alert.path("value").asDouble()).isEqualTo(r.payload().path("value").asDouble());
                assertThat(alert.path("equipment").asText()).isEqualTo("blister-sealer");
                assertThat(alert.path("zone").asText()).isEqualTo(r.payload().path("zone").asText());
            } else if (r.metric().equals("temperature")) {
                assertThat(alertFollows).as("no alert after %s", r.raw()).isFalse();
            }
        }
        long alerts = readings.stream().filter(r -> r.metric().equals("temperature-excursion")).count();
        assertThat(excursions).isPositive().isEqualTo((int) alerts);
        assertThat(alerts).as("excursions are rare").isLessThan(COUNT / 100);
    }

    @Test
    void pressureAndDwellTimeArePlausible() {
        assertThat(of("pressure")).isNotEmpty().allSatisfy(r -> {
            assertThat(r.payload().path("value").asDouble()).isBetween(4.2, 4.8);
            assertThat(r.payload().path("unit").asText()).isEqualTo("bar");
        });
        assertThat(of("dwell-time")).isNotEmpty().allSatisfy(r -> {
            assertThat(r.payload().path("value").asDouble()).isBetween(1.1, 1.3);
            assertThat(r.payload().path("unit").asText()).isEqualTo("s");
        });
    }

    @Test
    void sealIntegrityMostlyPasses() {
        List<TestReadings.Parsed> checks = of("seal-integrity");
        Set<String> results = checks.stream().map(r -> r.payload().path("result").asText()).collect(Collectors.toSet());
        assertThat(results).isSubsetOf("pass", "fail").contains("pass");
        long failed = checks.stream().filter(r -> r.payload().path("result").asText().equals("fail")).count();
        assertThat(failed).isLessThan(checks.size() / 50);
    }

    private List<TestReadings.Parsed> of(String metric) {
        return readings.stream().filter(r -> r.metric().equals(metric)).toList();
    }
}
