package com.pharmabridge.gateway.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.pharmabridge.gateway.policy.DeviceLimits;
import com.pharmabridge.protocol.Subjects;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device registry of one gateway node: a YAML file of device types and devices. Immutable snapshot; edits return
 * a new registry and {@link #save} writes it atomically, so a gateway reloading the file never sees half a write.
 */
public final class DeviceRegistry {
    /**
     * SnakeYAML refuses documents over 3 M characters by default, about 17,000 devices: a site's registry is the
     * operator's own file, so the limit is set where a registry of a million devices still loads.
     */
    static final int MAX_REGISTRY_CHARS = 512 * 1024 * 1024;

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .loaderOptions(registryLoaderOptions())
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());

    private static org.yaml.snakeyaml.LoaderOptions registryLoaderOptions() {
        org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
        options.setCodePointLimit(MAX_REGISTRY_CHARS);
        return options;
    }

    private final Map<String, DeviceType> types;
    private final Map<String, DeviceRecord> devices;

    public DeviceRegistry(Map<String, DeviceType> types, Map<String, DeviceRecord> devices) {
        this.types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
        this.devices = Collections.unmodifiableMap(new LinkedHashMap<>(devices));
    }

    public static DeviceRegistry empty() {
        return new DeviceRegistry(Map.of(), Map.of());
    }

    public DeviceRecord device(String id) {
        return devices.get(id);
    }

    public DeviceType type(String name) {
        return types.get(name);
    }

    public Map<String, DeviceRecord> devices() {
        return devices;
    }

    public Map<String, DeviceType> types() {
        return types;
    }

    /** Loads a registry file; a missing file is an empty registry. */
    public static DeviceRegistry load(Path file) {
        if (!Files.exists(file)) {
            return empty();
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new RegistryException("Device registry " + file + " is not valid YAML: " + e.getMessage(), e);
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return empty();
        }
        Map<String, DeviceType> types = new LinkedHashMap<>();
        JsonNode typeNodes = root.path("deviceTypes");
        typeNodes.fieldNames().forEachRemaining(name -> {
            JsonNode t = typeNodes.get(name);
            types.put(name, new DeviceType(name, strings(t, "publish", file), strings(t, "subscribe", file),
                    strings(t, "deny", file), limits(t.path("limits"), name, file)));
        });
        Map<String, DeviceRecord> devices = new LinkedHashMap<>();
        JsonNode deviceNodes = root.path("devices");
        deviceNodes.fieldNames().forEachRemaining(id -> {
            JsonNode d = deviceNodes.get(id);
            Map<String, String> attributes = new LinkedHashMap<>();
            d.path("attributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
            String type = d.path("type").asText("");
            if (!types.containsKey(type)) {
                throw new RegistryException("Device registry " + file + ": device " + id + " has unknown type '"
                        + type + "'");
            }
            devices.put(id, new DeviceRecord(id, type, attributes, d.path("tokenHash").asText(null),
                    strings(d, "publish", file), strings(d, "subscribe", file), strings(d, "deny", file),
                    revoked(d.path("revoked"), id, file), d.path("createdAt").asText(null),
                    d.path("previousTokenHash").asText(null), instant(d.path("previousTokenValidUntil"), id, file)));
        });
        return new DeviceRegistry(types, devices);
    }

    private static DeviceLimits limits(JsonNode node, String type, Path file) {
        if (node.isMissingNode() || node.isNull()) {
            return DeviceLimits.NONE;
        }
        String where = "Device registry " + file + ": device type " + type + " limits.";
        try {
            java.util.Set<String> known = java.util.Set.of("messageRateLimitPerSecond", "messageRateBurst",
                    "bytesPerSecond", "maxSubscriptions", "outgoingBufferSize", "slowConsumerPolicy");
            node.fieldNames().forEachRemaining(key -> {
                if (!known.contains(key)) {
                    throw new RegistryException(where + key + ": unknown limit (known: " + known + ")");
                }
            });
            return new DeviceLimits(positiveInt(node, "messageRateLimitPerSecond", where),
                    positiveInt(node, "messageRateBurst", where),
                    node.hasNonNull("bytesPerSecond") ? (long) positiveInt(node, "bytesPerSecond", where) : null,
                    positiveInt(node, "maxSubscriptions", where),
                    positiveInt(node, "outgoingBufferSize", where),
                    node.hasNonNull("slowConsumerPolicy")
                            ? DeviceLimits.SlowConsumerPolicy.parse(node.get("slowConsumerPolicy").asText()) : null);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(where + "slowConsumerPolicy: " + e.getMessage());
        }
    }

    private static Integer positiveInt(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 1) {
            throw new RegistryException(where + key + ": '" + value.asText() + "' must be a whole number of at least 1");
        }
        return value.intValue();
    }

    private static Instant instant(JsonNode value, String id, Path file) {
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        try {
            return Instant.parse(value.asText());
        } catch (java.time.format.DateTimeParseException e) {
            throw new RegistryException("Device registry " + file + ": device " + id + " has an unreadable time '"
                    + value.asText() + "'");
        }
    }

    /** A revocation flag that is not clearly true or false is refused: a typo must never re-admit a device. */
    private static boolean revoked(JsonNode flag, String id, Path file) {
        if (flag.isMissingNode() || flag.isNull()) {
            return false;
        }
        if (flag.isBoolean()) {
            return flag.booleanValue();
        }
        String text = flag.asText().trim().toLowerCase(java.util.Locale.ROOT);
        if (List.of("true", "yes", "on").contains(text)) {
            return true;
        }
        if (List.of("false", "no", "off").contains(text)) {
            return false;
        }
        throw new RegistryException("Device registry " + file + ": device " + id + " has revoked: '" + flag.asText()
                + "'; it must be true or false");
    }

    private static List<String> strings(JsonNode node, String field, Path file) {
        JsonNode list = node.path(field);
        if (list.isMissingNode() || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new RegistryException("Device registry " + file + ": '" + field + "' must be a list of subject patterns");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : list) {
            values.add(item.asText());
        }
        return checkPatterns(values, "Device registry " + file);
    }

    /** Patterns may hold ${variables}; what remains once they are replaced by a plain token must be a valid subject. */
    static List<String> checkPatterns(List<String> patterns, String where) {
        for (String pattern : patterns) {
            String probe = pattern.replaceAll("\\$\\{[A-Za-z0-9_]+}", "x");
            String problem = Subjects.validate(probe, true);
            if (problem != null) {
                throw new RegistryException(where + ": pattern '" + pattern + "': " + problem);
            }
        }
        return patterns;
    }

    public void save(Path file) {
        ObjectNode root = YAML.createObjectNode();
        ObjectNode typeNodes = root.putObject("deviceTypes");
        types.values().forEach(t -> {
            ObjectNode node = typeNodes.putObject(t.name());
            putList(node, "publish", t.publish());
            putList(node, "subscribe", t.subscribe());
            putList(node, "deny", t.deny());
            if (!t.limits().isEmpty()) {
                ObjectNode limits = node.putObject("limits");
                DeviceLimits l = t.limits();
                putIfSet(limits, "messageRateLimitPerSecond", l.messageRateLimitPerSecond());
                putIfSet(limits, "messageRateBurst", l.messageRateBurst());
                putIfSet(limits, "bytesPerSecond", l.bytesPerSecond());
                putIfSet(limits, "maxSubscriptions", l.maxSubscriptions());
                putIfSet(limits, "outgoingBufferSize", l.outgoingBufferSize());
                if (l.slowConsumerPolicy() != null) {
                    limits.put("slowConsumerPolicy", l.slowConsumerPolicy().configName());
                }
            }
        });
        ObjectNode deviceNodes = root.putObject("devices");
        devices.values().forEach(d -> {
            ObjectNode node = deviceNodes.putObject(d.id());
            node.put("type", d.type());
            ObjectNode attributes = node.putObject("attributes");
            d.attributes().forEach(attributes::put);
            node.put("tokenHash", d.tokenHash());
            putList(node, "publish", d.publish());
            putList(node, "subscribe", d.subscribe());
            putList(node, "deny", d.deny());
            node.put("revoked", d.revoked());
            if (d.createdAt() != null) {
                node.put("createdAt", d.createdAt());
            }
            if (d.previousTokenHash() != null && d.previousTokenValidUntil() != null) {
                node.put("previousTokenHash", d.previousTokenHash());
                node.put("previousTokenValidUntil", d.previousTokenValidUntil().toString());
            }
        });
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, ".devices", ".tmp");
            YAML.writeValue(temp.toFile(), root);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new RegistryException("Cannot write device registry " + file + ": " + e.getMessage(), e);
        }
    }

    private static void putIfSet(ObjectNode node, String field, Number value) {
        if (value != null) {
            node.put(field, value.longValue());
        }
    }

    private static void putList(ObjectNode node, String field, List<String> values) {
        ArrayNode list = node.putArray(field);
        values.forEach(list::add);
    }

    /** Adds or replaces a device type. */
    public DeviceRegistry withType(DeviceType type) {
        checkPatterns(type.publish(), "Device type " + type.name());
        checkPatterns(type.subscribe(), "Device type " + type.name());
        checkPatterns(type.deny(), "Device type " + type.name());
        Map<String, DeviceType> newTypes = new LinkedHashMap<>(types);
        newTypes.put(type.name(), type);
        return new DeviceRegistry(newTypes, devices);
    }

    /**
     * Registers a new device; its type is created without permissions of its own when unknown.
     *
     * @return the new registry and the token, which exists nowhere else
     */
    public Registration add(String id, String type, Map<String, String> attributes, List<String> publish,
                            List<String> subscribe, List<String> deny) {
        if (id == null || !id.matches("[A-Za-z0-9_-]{1,128}")) {
            throw new RegistryException("Device id '" + id + "' must be 1-128 of A-Z a-z 0-9 _ -");
        }
        checkPatterns(publish, "Device " + id);
        checkPatterns(subscribe, "Device " + id);
        checkPatterns(deny, "Device " + id);
        if (devices.containsKey(id)) {
            throw new RegistryException("Device " + id + " already exists (use rotate to issue a new token)");
        }
        DeviceRegistry base = types.containsKey(type) ? this : withType(new DeviceType(type, List.of(), List.of(), List.of()));
        String token = TokenHasher.newToken();
        DeviceRecord record = new DeviceRecord(id, type, attributes, TokenHasher.hash(token), publish, subscribe, deny,
                false, Instant.now().toString());
        Map<String, DeviceRecord> newDevices = new LinkedHashMap<>(base.devices);
        newDevices.put(id, record);
        return new Registration(new DeviceRegistry(base.types, newDevices), token);
    }

    /** Issues a new token; the old one stops working as soon as the registry is saved and reloaded. */
    public Registration rotate(String id) {
        return rotate(id, java.time.Duration.ZERO);
    }

    /** Issues a new token; the old one keeps working for {@code overlap} (none when zero). */
    public Registration rotate(String id, java.time.Duration overlap) {
        DeviceRecord record = require(id);
        String token = TokenHasher.newToken();
        String hash = TokenHasher.hash(token);
        DeviceRecord rotated = overlap.isZero() || overlap.isNegative()
                ? record.withTokenHash(hash)
                : record.withRotatedToken(hash, Instant.now().plus(overlap));
        return new Registration(replace(rotated), token);
    }

    /** Lifts a revocation with a new token: whatever leaked with the old one stays useless. */
    public Registration reinstate(String id) {
        DeviceRecord record = require(id);
        String token = TokenHasher.newToken();
        return new Registration(replace(new DeviceRecord(record.id(), record.type(), record.attributes(),
                TokenHasher.hash(token), record.publish(), record.subscribe(), record.deny(), false,
                record.createdAt())), token);
    }

    public DeviceRegistry revoke(String id) {
        return replace(require(id).asRevoked());
    }

    private DeviceRecord require(String id) {
        DeviceRecord record = devices.get(id);
        if (record == null) {
            throw new RegistryException("No device " + id + " in the registry");
        }
        return record;
    }

    private DeviceRegistry replace(DeviceRecord record) {
        Map<String, DeviceRecord> newDevices = new LinkedHashMap<>(devices);
        newDevices.put(record.id(), record);
        return new DeviceRegistry(types, newDevices);
    }

    /** A registry after an edit, with the plain token to hand to the device once. */
    public record Registration(DeviceRegistry registry, String token) {
    }

}
