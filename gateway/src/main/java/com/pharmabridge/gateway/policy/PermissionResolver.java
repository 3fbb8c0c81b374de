package com.pharmabridge.gateway.policy;

import com.pharmabridge.gateway.registry.DeviceRecord;
import com.pharmabridge.gateway.registry.DeviceType;
import com.pharmabridge.protocol.Subjects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a device type's permission templates plus the device's own extras into {@link Permissions}. A template whose
 * variable is unknown, or whose value is not a plain subject token, grants nothing: a value like {@code a.>} must never
 * widen a grant.
 */
public final class PermissionResolver {
    private static final Logger LOG = LoggerFactory.getLogger(PermissionResolver.class);
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");
    private static final String DENY_EVERYTHING = ">";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]+");

    private PermissionResolver() {
    }

    public static Permissions resolve(DeviceRecord device, DeviceType type) {
        Map<String, String> variables = new HashMap<>(device.attributes());
        variables.put("deviceId", device.id());
        variables.put("type", device.type());
        List<String> publish = new ArrayList<>();
        List<String> subscribe = new ArrayList<>();
        List<String> deny = new ArrayList<>();
        if (type != null) {
            expandAll(type.publish(), variables, device.id(), publish, null);
            expandAll(type.subscribe(), variables, device.id(), subscribe, null);
            expandAll(type.deny(), variables, device.id(), deny, DENY_EVERYTHING);
        }
        expandAll(device.publish(), variables, device.id(), publish, null);
        expandAll(device.subscribe(), variables, device.id(), subscribe, null);
        expandAll(device.deny(), variables, device.id(), deny, DENY_EVERYTHING);
        return new Permissions(publish, subscribe, deny);
    }

    private static void expandAll(List<String> templates, Map<String, String> variables, String deviceId,
                                  List<String> out, String fallback) {
        for (String template : templates) {
            String pattern = expand(template, variables);
            if (pattern == null || Subjects.validate(pattern, true) != null) {
                // An allow that cannot be resolved grants nothing; a deny that cannot be resolved must not vanish.
                LOG.warn("Permission template '{}' of device {} cannot be resolved", template, deviceId);
                if (fallback != null && !out.contains(fallback)) {
                    out.add(fallback);
                }
                continue;
            }
            if (!out.contains(pattern)) {
                out.add(pattern);
            }
        }
    }

    static String expand(String template, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder result = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            if (value == null || !TOKEN.matcher(value).matches()) {
                return null;
            }
            m.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        m.appendTail(result);
        return result.toString();
    }
}
