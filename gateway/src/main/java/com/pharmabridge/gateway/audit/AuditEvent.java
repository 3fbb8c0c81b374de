package com.pharmabridge.gateway.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something security-relevant that happened, before it becomes a numbered, chained record.
 *
 * @param time    gateway time (UTC) it happened
 * @param actor   who acted: {@code device}, {@code operator} or {@code gateway}
 * @param actorId the device id, operator name or gateway id
 * @param action  what happened, dotted, e.g. {@code auth.login}, {@code publish.refused}
 * @param outcome {@code success}, {@code failure}, {@code refused} or {@code info}
 * @param remote  remote address of the connection, or {@code null}
 * @param details further fields in order; values are strings, numbers or booleans
 */
public record AuditEvent(Instant time, String actor, String actorId, String action, String outcome, String remote,
                         Map<String, Object> details) {
    public static final String DEVICE = "device";
    public static final String OPERATOR = "operator";
    public static final String GATEWAY = "gateway";

    public AuditEvent {
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** A device's event now. */
    public static AuditEvent device(String deviceId, String action, String outcome, String remote,
                                    Map<String, Object> details) {
        return new AuditEvent(Instant.now(), DEVICE, deviceId == null ? "" : deviceId, action, outcome, remote,
                details);
    }
}
