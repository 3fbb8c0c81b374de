package com.pharmabridge.simulator;

/**
 * Builds subjects of the project's hierarchy for one device:
 * {@code factory.{plant}.{line}.{equipment}.{metric}}, {@code alerts.{plant}.{line}.{alert-type}} and
 * {@code quality.{line}.{equipment}.{inspection-type}}.
 */
final class SubjectHierarchy {
    private final String factoryPrefix;
    private final String alertsPrefix;
    private final String qualityPrefix;

    SubjectHierarchy(SimulatedDevice device) {
        String equipment = device.equipment().subjectToken();
        factoryPrefix = "factory." + device.plant() + "." + device.line() + "." + equipment + ".";
        alertsPrefix = "alerts." + device.plant() + "." + device.line() + ".";
        qualityPrefix = "quality." + device.line() + "." + equipment + ".";
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
}
