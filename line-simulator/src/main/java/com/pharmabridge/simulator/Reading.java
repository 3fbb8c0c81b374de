package com.pharmabridge.simulator;

/**
 * One value a machine reports: where it goes and what it says.
 *
 * @param subject the NATS subject, in the project's subject hierarchy
 * @param payload one JSON object, as text
 */
record Reading(String subject, String payload) {
}
