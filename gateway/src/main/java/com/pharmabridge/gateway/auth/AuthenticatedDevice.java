package com.pharmabridge.gateway.auth;

import com.pharmabridge.gateway.policy.DeviceLimits;
import com.pharmabridge.gateway.policy.Permissions;

import java.util.Map;

/** Who a session belongs to, once Auth succeeded. Identity comes from the registry, never from what the device says. */
public record AuthenticatedDevice(String deviceId, String deviceType, Map<String, String> attributes,
                                  Permissions permissions, DeviceLimits limits, String protocolVersion,
                                  String sdkVersion) {
}
