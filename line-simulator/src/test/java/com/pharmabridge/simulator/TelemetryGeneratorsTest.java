package com.pharmabridge.simulator;

import com.pharmabridge.protocol.Subjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What holds for every machine: subjects in the hierarchy, modest sizes, reproducible data. */
class TelemetryGeneratorsTest {
    @ParameterizedTest
    @EnumSource(Equipment.class)
    void subjectsAreValidPublishSubjectsOfTheHierarchy(Equipment equipment) {
        String token = equipment.subjectToken();
        assertThat(TestReadings.take(equipment, 5_000)).allSatisfy(r -> {
            assertThat(Subjects.validate(r.subject(), false)).as(r.subject()).isNull();
            assertThat(Subjects.matches("factory.chicago.line1." + token + ".*", r.subject())
                    || Subjects.matches("quality.line1." + token + ".*", r.subject())
                    || Subjects.matches("alerts.chicago.line1.*", r.subject()))
                    .as("%s is in the hierarchy", r.subject()).isTrue();
        });
    }

    @ParameterizedTest
    @EnumSource(Equipment.class)
    void envelopesStayModest(Equipment equipment) {
        TelemetryGenerator generator = TestReadings.generator(equipment, 7);
        for (int i = 0; i < 2_000; i++) {
            Reading reading = generator.next();
            String stamped = DevicePublisher.withTime(reading.payload(),
                    java.time.Instant.parse("2026-01-15T10:29:59.950Z"));
            assertThat(reading.payload().length()).as(reading.payload()).isBetween(20, 200);
            assertThat(stamped.length()).as(stamped).isBetween(50, 240);
        }
    }

    @ParameterizedTest
    @EnumSource(Equipment.class)
    void sameSeedGivesSameData(Equipment equipment) {
        assertThat(raw(TestReadings.generator(equipment, 123), 3_000))
                .isEqualTo(raw(TestReadings.generator(equipment, 123), 3_000));
    }

    @ParameterizedTest
    @EnumSource(value = Equipment.class, names = {"BLISTER_SEALER", "CASE_PACKER", "SERIALIZATION"})
    void otherSeedGivesOtherData(Equipment equipment) {
        assertThat(raw(TestReadings.generator(equipment, 123), 100))
                .isNotEqualTo(raw(TestReadings.generator(equipment, 124), 100));
    }

    @Test
    void devicesOfTheSameRunDiffer() {
        SimulatedDevice first = new SimulatedDevice("sealer-1", "t", Equipment.BLISTER_SEALER, "chicago", "line1");
        SimulatedDevice second = new SimulatedDevice("sealer-2", "t", Equipment.BLISTER_SEALER, "chicago", "line1");
        assertThat(raw(generatorFor(first), 100)).isNotEqualTo(raw(generatorFor(second), 100));
    }

    @Test
    void eachEquipmentGetsItsOwnGenerator() {
        assertThat(TestReadings.generator(Equipment.BLISTER_SEALER, 1)).isInstanceOf(BlisterSealerGenerator.class);
        assertThat(TestReadings.generator(Equipment.CARTONER, 1)).isInstanceOf(CartonerGenerator.class);
        assertThat(TestReadings.generator(Equipment.CASE_PACKER, 1)).isInstanceOf(CasePackerGenerator.class);
        assertThat(TestReadings.generator(Equipment.SERIALIZATION, 1)).isInstanceOf(SerializationGenerator.class);
    }

    private static TelemetryGenerator generatorFor(SimulatedDevice device) {
        return TelemetryGenerators.forDevice(device, "B1", TelemetryGenerators.deviceRandom(5, device.deviceId()),
                java.time.LocalDate.of(2026, 1, 15));
    }

    private static List<String> raw(TelemetryGenerator generator, int count) {
        return TestReadings.take(generator, count).stream().map(r -> r.subject() + " " + r.raw()).toList();
    }
}
