package com.pharmabridge.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.protocol.JsonValues;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Draws readings from a generator and parses their payloads, failing on anything that is not one JSON object. */
final class TestReadings {
    static final String BATCH = "B2024-001";
    static final long SEED = 42;
    private static final ObjectMapper JSON = new ObjectMapper();

    record Parsed(String subject, String raw, JsonNode payload) {
        String metric() {
            return subject.substring(subject.lastIndexOf('.') + 1);
        }
    }

    private TestReadings() {
    }

    static SimulatedDevice device(Equipment equipment) {
        return new SimulatedDevice(equipment.subjectToken() + "-line1-01", "secret", equipment, "chicago", "line1");
    }

    static TelemetryGenerator generator(Equipment equipment, long seed) {
        SimulatedDevice device = device(equipment);
        SplittableRandom random = TelemetryGenerators.deviceRandom(seed, device.deviceId());
        return TelemetryGenerators.forDevice(device, BATCH, random, java.time.LocalDate.of(2026, 1, 15));
    }

    static List<Parsed> take(Equipment equipment, int count) {
        return take(generator(equipment, SEED), count);
    }

    static List<Parsed> take(TelemetryGenerator generator, int count) {
        List<Parsed> readings = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Reading reading = generator.next();
            if (!JsonValues.isSingleJsonValue(reading.payload().getBytes(StandardCharsets.UTF_8))) {
                throw new AssertionError("Not one JSON value: " + reading.payload());
            }
            try {
                JsonNode payload = JSON.readTree(reading.payload());
                if (!payload.isObject()) {
                    throw new AssertionError("Not a JSON object: " + reading.payload());
                }
                readings.add(new Parsed(reading.subject(), reading.payload(), payload));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return readings;
    }
}
