package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static com.pharmabridge.simulator.TestReadings.BATCH;
import static org.assertj.core.api.Assertions.assertThat;

class SerializationGeneratorTest {
    private static final int COUNT = 40_000;
    private final List<TestReadings.Parsed> readings = TestReadings.take(Equipment.SERIALIZATION, COUNT);

    @Test
    void publishesReadsAndInspectionsWithTheBatch() {
        assertThat(readings.stream().map(TestReadings.Parsed::subject).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(
                        "factory.chicago.line1.serialization.read",
                        "quality.line1.serialization.vision-inspection");
        assertThat(readings).allSatisfy(r -> assertThat(r.payload().path("batchId").asText()).isEqualTo(BATCH));
    }

    @Test
    void readsCarryValidGs1Data() {
        assertThat(reads()).allSatisfy(r -> {
            assertThat(r.payload().path("gtin").asText()).hasSize(14).matches(Gs1::isValidGtin, "valid GTIN");
            assertThat(r.payload().path("lot").asText()).isEqualTo(BATCH);
            assertThat(r.payload().path("serial").asText()).matches("\\d{12}");
            assertThat(r.payload().path("grade").asText()).isIn("A", "B", "C", "D");
            assertThat(r.payload().path("readable").isBoolean()).isTrue();
        });
    }

    @Test
    void expiryIsARealDateAfterProduction() {
        // STRICT with 'uu': a date such as 280231 is refused instead of being moved to the 28th.
        DateTimeFormatter strict = DateTimeFormatter.ofPattern("uuMMdd").withResolverStyle(ResolverStyle.STRICT);
        assertThat(reads()).allSatisfy(r -> {
            LocalDate expiry = LocalDate.parse(r.payload().path("expiry").asText(), strict);
            assertThat(expiry).isAfter(LocalDate.of(2026, 1, 15)).isBefore(LocalDate.of(2031, 1, 1));
        });
        assertThat(reads().get(0).payload().path("expiry").asText()).isEqualTo("280131");
    }

    @Test
    void expiryIsTheLastDayOfAMonthEvenInFebruary() {
        SimulatedDevice device = TestReadings.device(Equipment.SERIALIZATION);
        var generator = TelemetryGenerators.forDevice(device, BATCH, new java.util.SplittableRandom(1),
                LocalDate.of(2026, 2, 10));
        assertThat(TestReadings.take(generator, 1).get(0).payload().path("expiry").asText()).isEqualTo("280229");
    }

    @Test
    void serialsAreUniqueAndGtinIsStableForTheDevice() {
        Set<String> serials = new HashSet<>();
        for (TestReadings.Parsed r : reads()) {
            assertThat(serials.add(r.payload().path("serial").asText())).as("serial %s repeated", r.raw()).isTrue();
        }
        assertThat(serials).hasSize(COUNT / 2);
        assertThat(reads().stream().map(r -> r.payload().path("gtin").asText()).distinct()).hasSize(1);
    }

    @Test
    void gradesAreMostlyGoodAndSomeCodesAreUnreadable() {
        List<TestReadings.Parsed> reads = reads();
        long gradeA = reads.stream().filter(r -> r.payload().path("grade").asText().equals("A")).count();
        long unreadable = reads.stream().filter(r -> !r.payload().path("readable").asBoolean()).count();
        assertThat(gradeA).isGreaterThan(reads.size() / 2);
        assertThat(unreadable).isPositive().isLessThan(reads.size() / 50);
        assertThat(reads.stream().map(r -> r.payload().path("grade").asText()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("A", "B", "C", "D");
    }

    @Test
    void everyReadIsFollowedByItsVisionInspection() {
        for (int i = 0; i < readings.size(); i += 2) {
            TestReadings.Parsed read = readings.get(i);
            TestReadings.Parsed inspection = readings.get(i + 1);
            assertThat(read.metric()).isEqualTo("read");
            assertThat(inspection.metric()).isEqualTo("vision-inspection");
            assertThat(inspection.payload().path("grade").asText()).isEqualTo(read.payload().path("grade").asText());
            assertThat(inspection.payload().path("serial").asText()).isEqualTo(read.payload().path("serial").asText());
            boolean good = read.payload().path("readable").asBoolean()
                    && !read.payload().path("grade").asText().equals("D");
            assertThat(inspection.payload().path("result").asText()).isEqualTo(good ? "pass" : "fail");
        }
    }

    private List<TestReadings.Parsed> reads() {
        return readings.stream().filter(r -> r.metric().equals("read")).toList();
    }
}
