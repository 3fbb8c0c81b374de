package com.pharmabridge.simulator;

/**
 * Builds subjects of the project's hierarchy for one device:
 * {@code factory.{plant}.{line}.{equipment}.{metric}}, {@code alerts.{plant}.{line}.{alert-type}},
 * {@code quality.{line}.{equipment}.{inspection-type}} and {@code events.{line}.{equipment}.{event-type}}.
 */
final class SubjectHierarchy {
    private final String factoryPrefix;
    private final String alertsPrefix;
    private final String qualityPrefix;
    private final String eventsPrefix;

    SubjectHierarchy(SimulatedDevice device) {
        String equipment = device.equipment().subjectToken();
        factoryPrefix = "factory." + device.plant() + "." + device.line() + "." + equipment + ".";
        alertsPrefix = "alerts." + device.plant() + "." + device.line() + ".";
        qualityPrefix = "quality." + device.line() + "." + equipment + ".";
        eventsPrefix = "events." + device.line() + "." + equipment + ".";
    }

    String factory(String metric) {
        return factoryPrefix + metric;
    }

    String alert(String alertType) {
        return alertsPrefix + alertType;
    }

    String quality(String inspectionType) {
        return qualityPrefix + inspectionType;
    }

    String event(String eventType) {
        return eventsPrefix + eventType;
    }
}
