package com.pharmabridge.gateway.registry;

import com.pharmabridge.gateway.policy.DeviceLimits;

import java.util.List;

/**
 * Permission templates shared by every device of a type (may use ${deviceId} and ${attribute} variables), and the
 * limits those devices run under.
 */
public record DeviceType(String name, List<String> publish, List<String> subscribe, List<String> deny,
                         DeviceLimits limits) {
    public DeviceType {
        publish = List.copyOf(publish);
        subscribe = List.copyOf(subscribe);
        deny = List.copyOf(deny);
        limits = limits == null ? DeviceLimits.NONE : limits;
    }

    public DeviceType(String name, List<String> publish, List<String> subscribe, List<String> deny) {
        this(name, publish, subscribe, deny, DeviceLimits.NONE);
    }
}
