package com.pharmabridge.gateway.auth;

import com.pharmabridge.gateway.policy.DeviceLimits;
import com.pharmabridge.gateway.policy.Permissions;

import java.time.Instant;
import java.util.Map;

/**
 * Who a session belongs to, once Auth succeeded. Identity comes from the registry or a verified credential, never from
 * what the device says. {@code expiresAt} is when a signed credential stops being valid and the session ends;
 * {@code null} for logins the registry vouches for (tokens, client certificates), which then need a registry entry.
 */
public record AuthenticatedDevice(String deviceId, String deviceType, Map<String, String> attributes,
                                  Permissions permissions, DeviceLimits limits, String protocolVersion,
                                  String sdkVersion, Instant expiresAt) {

    /** A device authenticated by a registry token: no expiry. */
    public AuthenticatedDevice(String deviceId, String deviceType, Map<String, String> attributes,
                               Permissions permissions, DeviceLimits limits, String protocolVersion,
                               String sdkVersion) {
        this(deviceId, deviceType, attributes, permissions, limits, protocolVersion, sdkVersion, null);
    }
}
