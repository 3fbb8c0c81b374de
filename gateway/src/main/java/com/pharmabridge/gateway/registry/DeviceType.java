package com.pharmabridge.gateway.registry;

import java.util.List;

/** Permission templates shared by every device of a type; may use ${deviceId} and ${attribute} variables. */
public record DeviceType(String name, List<String> publish, List<String> subscribe, List<String> deny) {
    public DeviceType {
        publish = List.copyOf(publish);
        subscribe = List.copyOf(subscribe);
        deny = List.copyOf(deny);
    }
}
