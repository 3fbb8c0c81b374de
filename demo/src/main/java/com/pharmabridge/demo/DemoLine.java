package com.pharmabridge.demo;

import com.pharmabridge.gateway.registry.DeviceRegistry;
import com.pharmabridge.gateway.registry.DeviceType;
import com.pharmabridge.simulator.Equipment;
import com.pharmabridge.simulator.SimulatedDevice;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo's device registry: one device type per kind of machine, with the seed's subject hierarchy as its
 * permissions, and one machine of each kind per line. Tokens are new on every run and live only in memory.
 */
final class DemoLine {
    private DemoLine() {
    }

    /** Permission templates: each machine publishes only under its own plant/line/equipment. */
    static DeviceRegistry deviceTypes() {
        DeviceRegistry registry = DeviceRegistry.empty();
        for (Equipment equipment : Equipment.values()) {
            String kind = equipment.subjectToken();
            registry = registry.withType(new DeviceType(kind,
                    List.of("factory.${plant}.${line}." + kind + ".>",
                            "telemetry.${line}." + kind + ".>",
                            "alerts.${plant}.${line}.>",
                            "quality.${line}." + kind + ".>",
                            "events.${line}." + kind + ".>"),
                    List.of("commands.${line}." + kind + ".>", "commands.${line}.${deviceId}.>"),
                    List.of()));
        }
        return registry.withType(new DeviceType("hmi",
                List.of("commands.${line}.>", "batch.>", "events.${line}.hmi.>"),
                List.of("factory.${plant}.${line}.>", "alerts.${plant}.${line}.>"),
                List.of()));
    }

    /** Registers one machine of each kind on each line; returns the registry and the devices with their tokens. */
    static Result register(DeviceRegistry registry, String plant, int lines) {
        List<SimulatedDevice> devices = new ArrayList<>();
        for (int l = 1; l <= lines; l++) {
            String line = "line" + l;
            for (Equipment equipment : Equipment.values()) {
                String id = equipment.subjectToken() + "-" + line + "-01";
                DeviceRegistry.Registration registration = registry.add(id, equipment.subjectToken(),
                        Map.of("plant", plant, "line", line), List.of(), List.of(), List.of());
                registry = registration.registry();
                devices.add(new SimulatedDevice(id, registration.token(), equipment, plant, line));
            }
        }
        return new Result(registry, devices);
    }

    record Result(DeviceRegistry registry, List<SimulatedDevice> devices) {
    }
}
