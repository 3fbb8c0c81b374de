package com.pharmabridge.simulator;

import java.util.List;

/**
 * The gateway permissions a simulated line needs, as templates of the device registry ({@code ${plant}},
 * {@code ${line}} and {@code ${deviceId}} are filled in per device). One device type per kind of machine, named by
 * its {@link Equipment#subjectToken()}, and one named {@value #HMI_TYPE}.
 */
public final class LinePermissions {
    /** Device type (and Auth {@code deviceType}) of a line's HMI. */
    public static final String HMI_TYPE = "hmi";

    private LinePermissions() {
    }

    /** A machine publishes only under its own plant, line and kind (alerts: under its line). */
    public static List<String> machinePublish(Equipment equipment) {
        String kind = equipment.subjectToken();
        return List.of("factory.${plant}.${line}." + kind + ".>", "alerts.${plant}.${line}.>",
                "quality.${line}." + kind + ".>", "events.${line}." + kind + ".>");
    }

    /** A machine hears the commands for its kind on its line and those addressed to it. */
    public static List<String> machineSubscribe(Equipment equipment) {
        return List.of("commands.${line}." + equipment.subjectToken() + ".>", "commands.${line}.${deviceId}.>");
    }

    /** The HMI commands its line's machines, records batches, and reports its own events. */
    public static List<String> hmiPublish() {
        return List.of("commands.${line}.>", "batch.>", "events.${line}." + HMI_TYPE + ".>");
    }

    /** The HMI watches its line. */
    public static List<String> hmiSubscribe() {
        return List.of("factory.${plant}.${line}.>", "alerts.${plant}.${line}.>", "events.${line}.>");
    }
}
