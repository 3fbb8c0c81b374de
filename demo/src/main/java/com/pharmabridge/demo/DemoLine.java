package com.pharmabridge.demo;

import com.pharmabridge.gateway.policy.DeviceLimits;
import com.pharmabridge.gateway.registry.DeviceRecord;
import com.pharmabridge.gateway.registry.DeviceRegistry;
import com.pharmabridge.gateway.registry.DeviceType;
import com.pharmabridge.simulator.Equipment;
import com.pharmabridge.simulator.LineDescription;
import com.pharmabridge.simulator.LinePermissions;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's device registry: one device type per kind of machine and one for HMIs, with the seed's subject
 * hierarchy as their permissions, and every device of a line description registered with a new token. Tokens are
 * new on every run and live only in memory.
 */
final class DemoLine {
    /** A simulated line runs faster than real time: its devices may publish far more than a real machine. */
    static final DeviceLimits SIMULATED_DEVICE_LIMITS = new DeviceLimits(2_000, 4_000, null, null, null, null);

    private DemoLine() {
    }

    /** Permission templates: each machine publishes only under its own plant/line/equipment. */
    static DeviceRegistry deviceTypes() {
        DeviceRegistry registry = DeviceRegistry.empty();
        for (Equipment equipment : Equipment.values()) {
            registry = registry.withType(new DeviceType(equipment.subjectToken(),
                    LinePermissions.machinePublish(equipment), LinePermissions.machineSubscribe(equipment),
                    List.of(), SIMULATED_DEVICE_LIMITS));
        }
        return registry.withType(new DeviceType(LinePermissions.HMI_TYPE, LinePermissions.hmiPublish(),
                LinePermissions.hmiSubscribe(), List.of(), SIMULATED_DEVICE_LIMITS));
    }

    /**
     * Registers every machine and HMI of {@code description} with a new token, in a registry that keeps the devices
     * (and their types) someone registered in the file themselves, e.g. while following the SDK guide.
     */
    static Result register(DeviceRegistry types, LineDescription description, DeviceRegistry existing) {
        DeviceRegistry registry = types;
        Map<String, String> tokens = new HashMap<>();
        for (LineDescription.Line line : description.lines()) {
            Map<String, String> attributes = Map.of("plant", line.plant(), "line", line.id());
            DeviceRegistry.Registration hmi = registry.add(line.hmiId(), LinePermissions.HMI_TYPE, attributes,
                    List.of(), List.of(), List.of());
            registry = hmi.registry();
            tokens.put(line.hmiId(), hmi.token());
            for (LineDescription.Machine machine : line.machines()) {
                DeviceRegistry.Registration registration = registry.add(machine.id(),
                        machine.equipment().subjectToken(), attributes, List.of(), List.of(), List.of());
                registry = registration.registry();
                tokens.put(machine.id(), registration.token());
            }
        }
        Map<String, DeviceType> allTypes = new LinkedHashMap<>(existing.types());
        allTypes.putAll(registry.types());
        Map<String, DeviceRecord> devices = new LinkedHashMap<>();
        int kept = 0;
        for (DeviceRecord own : existing.devices().values()) {
            if (!tokens.containsKey(own.id())) {
                devices.put(own.id(), own);
                kept++;
            }
        }
        devices.putAll(registry.devices());
        return new Result(new DeviceRegistry(allTypes, devices), Map.copyOf(tokens), kept);
    }

    record Result(DeviceRegistry registry, Map<String, String> tokens, int keptDevices) {
    }
}
