package com.pharmabridge.gateway.audit;

import com.pharmabridge.gateway.registry.DeviceRecord;
import com.pharmabridge.gateway.registry.DeviceRegistry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What changed between two versions of the device registry, as audit events: devices added, removed, revoked,
 * reinstated, their token rotated, or their type or permissions changed. The CLI edits the file; the gateway sees the
 * edit when it reloads it, so the actor is the registry file (an operator with write access to it).
 */
public final class RegistryChanges {
    private RegistryChanges() {
    }

    public static List<AuditEvent> between(DeviceRegistry before, DeviceRegistry after, String registryFile) {
        List<AuditEvent> events = new ArrayList<>();
        Instant now = Instant.now();
        TreeSet<String> ids = new TreeSet<>(before.devices().keySet());
        ids.addAll(after.devices().keySet());
        for (String id : ids) {
            DeviceRecord old = before.devices().get(id);
            DeviceRecord updated = after.devices().get(id);
            String action = null;
            if (old == null) {
                action = "device.added";
            } else if (updated == null) {
                action = "device.removed";
            } else if (!old.revoked() && updated.revoked()) {
                action = "device.revoked";
            } else if (old.revoked() && !updated.revoked()) {
                action = "device.reinstated";
            } else if (!Objects.equals(old.tokenHash(), updated.tokenHash())) {
                action = "device.token-rotated";
            } else if (!Objects.equals(old.type(), updated.type()) || !old.publish().equals(updated.publish())
                    || !old.subscribe().equals(updated.subscribe()) || !old.deny().equals(updated.deny())
                    || !old.attributes().equals(updated.attributes())) {
                action = "device.changed";
            }
            if (action != null) {
                DeviceRecord current = updated != null ? updated : old;
                events.add(new AuditEvent(now, AuditEvent.OPERATOR, "registry", action, "success", null,
                        Map.of("deviceId", id, "deviceType", current.type(), "registryFile", registryFile)));
            }
        }
        return events;
    }
}
