package com.pharmabridge.simulator.testing;

import com.pharmabridge.gateway.policy.DeviceLimits;
import com.pharmabridge.gateway.registry.DeviceType;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.simulator.Equipment;
import com.pharmabridge.simulator.LineDescription;
import com.pharmabridge.simulator.LinePermissions;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A real gateway with every device of a line description registered, as the demo registers them. */
public final class SimulatedLineGateway {
    private SimulatedLineGateway() {
    }

    /**
     * Starts a gateway on {@code nats} whose registry holds the simulator's device types (with no rate limit: a run
     * at full speed publishes as fast as it is acknowledged) and every machine and HMI of {@code line}.
     */
    public static GatewayFixture start(NatsFixture nats, LineDescription line) throws Exception {
        return start(nats, line, Map.of());
    }

    /** As {@link #start(NatsFixture, LineDescription)}, with configuration overrides (environment-variable form). */
    public static GatewayFixture start(NatsFixture nats, LineDescription line, Map<String, String> overrides)
            throws Exception {
        GatewayFixture gateway = new GatewayFixture(nats.url());
        overrides.forEach(gateway::with);
        DeviceLimits unlimited = new DeviceLimits(1_000_000, 1_000_000, null, null, null, null);
        for (Equipment equipment : Equipment.values()) {
            gateway.type(new DeviceType(equipment.subjectToken(), LinePermissions.machinePublish(equipment),
                    LinePermissions.machineSubscribe(equipment), List.of(), unlimited));
        }
        gateway.type(new DeviceType(LinePermissions.HMI_TYPE, LinePermissions.hmiPublish(),
                LinePermissions.hmiSubscribe(), List.of(), unlimited));
        for (LineDescription.Line l : line.lines()) {
            Map<String, String> attributes = Map.of("plant", l.plant(), "line", l.id());
            gateway.device(l.hmiId(), LinePermissions.HMI_TYPE, attributes);
            for (LineDescription.Machine machine : l.machines()) {
                gateway.device(machine.id(), machine.equipment().subjectToken(), attributes);
            }
        }
        return gateway.start();
    }

    /** @return each device's token, for {@code LineSimulator.start} */
    public static Map<String, String> tokens(GatewayFixture gateway, LineDescription line) {
        Map<String, String> tokens = new HashMap<>();
        line.deviceIds().forEach(id -> tokens.put(id, gateway.token(id)));
        return tokens;
    }
}
