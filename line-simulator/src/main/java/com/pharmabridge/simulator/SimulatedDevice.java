package com.pharmabridge.simulator;

import com.pharmabridge.protocol.Subjects;

import java.util.Objects;

/**
 * One machine to simulate and the credentials it logs in with.
 *
 * @param deviceId  the id registered at the gateway
 * @param token     the device's secret token
 * @param equipment what kind of machine it is; decides the data it publishes
 * @param plant     plant token of its subjects, e.g. {@code chicago}
 * @param line      line token of its subjects, e.g. {@code line1}
 */
public record SimulatedDevice(String deviceId, String token, Equipment equipment, String plant, String line) {
    /** @throws IllegalArgumentException when a field is missing or plant/line is not one valid subject token */
    public SimulatedDevice {
        requireText(deviceId, "deviceId");
        requireText(token, "token");
        Objects.requireNonNull(equipment, "equipment");
        requireSubjectToken(plant, "plant");
        requireSubjectToken(line, "line");
    }

    static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    // plant and line become single subject tokens: a dot or wildcard would silently change the hierarchy.
    static void requireSubjectToken(String value, String name) {
        requireText(value, name);
        if (value.indexOf('.') >= 0 || Subjects.validate(value, false) != null) {
            throw new IllegalArgumentException(name + " must be one subject token (A-Z a-z 0-9 - _): " + value);
        }
    }

    @Override
    public String toString() {
        // Keeps the token out of logs.
        return "SimulatedDevice[" + deviceId + ", " + equipment.subjectToken() + ", " + plant + "/" + line + "]";
    }
}
