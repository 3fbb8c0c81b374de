package com.pharmabridge.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.pharmabridge.gateway.validation.ValidationConfig;
import com.pharmabridge.protocol.Subjects;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the configuration: shipped defaults, then the operator's YAML file, then environment variables; validates
 * every key and reports all problems at once, each naming its key.
 */
public final class ConfigLoader {
    private static final String DEFAULTS = "/gateway-defaults.yaml";
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final List<String> problems = new ArrayList<>();

    private ConfigLoader() {
    }

    /** Loads with the process environment as overrides. */
    public static GatewayConfig load(Path file) {
        return load(file, System.getenv());
    }

    /**
     * @param file      the operator's YAML file, or {@code null} for defaults only
     * @param overrides environment-style overrides ({@code GATEWAY_PORT=9000}); unrelated names are ignored
     */
    public static GatewayConfig load(Path file, Map<String, String> overrides) {
        ConfigLoader loader = new ConfigLoader();
        ObjectNode tree = loader.readDefaults();
        JsonNode validationSection = null;
        String userText = "";
        if (file != null) {
            try {
                userText = Files.readString(file, StandardCharsets.UTF_8);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new ConfigException(List.of("Configuration file " + file + " does not exist"));
            } catch (IOException e) {
                throw new ConfigException(List.of("Cannot read configuration file " + file + ": " + e));
            }
            JsonNode user;
            try {
                user = YAML.readTree(userText);
            } catch (IOException e) {
                throw new ConfigException(List.of("Configuration file " + file + " is not valid YAML: "
                        + firstLine(e.getMessage())));
            }
            if (user != null && !user.isMissingNode() && !user.isNull()) {
                // Validation rules are a list of their own kind, bound by the validation package itself.
                String key = user.isObject() ? canonicalKey(user, "validation") : null;
                validationSection = key == null ? null : ((ObjectNode) user).remove(key);
                loader.merge(tree, user, "");
            }
        }
        loader.applyOverrides(tree, overrides);
        validationSection = applyValidationSwitch(validationSection, overrides);
        // Binding a tree with unknown keys is safe (they were not merged), and reports every other problem too.
        GatewayConfig config = loader.bind(tree, hash(tree + String.valueOf(validationSection)));
        config = config.withValidation(ValidationConfig.bind(validationSection, loader.problems));
        if (!loader.problems.isEmpty()) {
            throw new ConfigException(loader.problems);
        }
        return config;
    }

    /** VALIDATION_ENABLED=false (or Validation__Enabled) turns payload validation off, like any other key. */
    private static JsonNode applyValidationSwitch(JsonNode section, Map<String, String> overrides) {
        for (Map.Entry<String, String> entry : overrides.entrySet()) {
            if (normalizeEnvName(entry.getKey()).equals("VALIDATIONENABLED")) {
                ObjectNode copy = section != null && section.isObject() ? ((ObjectNode) section).deepCopy()
                        : JsonNodeFactory.instance.objectNode();
                copy.put("enabled", entry.getValue().trim());
                return copy;
            }
        }
        return section;
    }

    private ObjectNode readDefaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            ObjectNode defaults = (ObjectNode) YAML.readTree(in);
            ObjectNode jetStream = (ObjectNode) defaults.get("jetStream");
            jetStream.set("streams", normalizeStreams((ArrayNode) jetStream.get("streams"), "jetStream.streams"));
            return defaults;
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("Shipped defaults " + DEFAULTS + " are missing", e);
        }
    }

    /** Lays {@code user} over {@code target}; keys match case-insensitively; unknown keys are problems (typos). */
    private void merge(ObjectNode target, JsonNode user, String path) {
        if (!user.isObject()) {
            problems.add(describe(path) + ": expected a section of keys, found " + user.getNodeType());
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = user.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = canonicalKey(target, field.getKey());
            String childPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            if (key == null) {
                problems.add(childPath + ": unknown key (known here: " + String.join(", ", fieldNames(target)) + ")");
                continue;
            }
            JsonNode existing = target.get(key);
            JsonNode value = field.getValue();
            if (existing.isObject() && value.isObject()) {
                merge((ObjectNode) existing, value, childPath);
            } else if (key.equals("streams")) {
                if (value.isArray()) {
                    target.set(key, normalizeStreams((ArrayNode) value, childPath));
                } else {
                    problems.add(childPath + ": expected a list of streams");
                }
            } else if (key.equals("keys")) {
                if (value.isArray()) {
                    target.set(key, normalizeJwtKeys((ArrayNode) value, childPath));
                } else if (!value.isNull()) {
                    problems.add(childPath + ": expected a list of keys ({kid, file})");
                }
            } else if (existing.isObject() || (existing.isArray() && !value.isArray() && !value.isNull())) {
                problems.add(childPath + ": expected " + (existing.isObject() ? "a section of keys" : "a list")
                        + ", found " + value.getNodeType());
            } else {
                target.set(key, value);
            }
        }
    }

    /**
     * Streams given by the operator replace the defaults. Each is laid over a template holding every stream key, so
     * a key left out takes its documented default and a missing name, subjects or max age is reported.
     */
    private ArrayNode normalizeStreams(ArrayNode given, String path) {
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < given.size(); i++) {
            if (!given.get(i).isObject()) {
                problems.add(path + "[" + i + "]: expected a section of keys, found " + given.get(i).getNodeType());
                continue;
            }
            ObjectNode stream = streamTemplate();
            merge(stream, given.get(i), path + "[" + i + "]");
            result.add(stream);
        }
        return result;
    }

    private static ObjectNode streamTemplate() {
        ObjectNode template = JsonNodeFactory.instance.objectNode();
        template.putNull("name");
        template.putNull("subjects");
        template.put("maxAge", "unlimited");
        template.put("storage", "file");
        template.put("replicas", 1);
        template.put("denyDelete", false);
        template.put("denyPurge", false);
        template.put("maxBytes", -1);
        template.put("duplicateWindow", "2m");
        return template;
    }

    /**
     * Signing keys of device credentials, each laid over a template of every key field so that a typo is reported.
     * An entry may also be written {@code kid=file}, the form the environment variable uses.
     */
    private ArrayNode normalizeJwtKeys(ArrayNode given, String path) {
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < given.size(); i++) {
            JsonNode item = given.get(i);
            ObjectNode key = JsonNodeFactory.instance.objectNode();
            key.putNull("kid");
            key.putNull("file");
            if (item.isTextual()) {
                String[] parts = item.asText().split("=", 2);
                if (parts.length != 2) {
                    problems.add(path + "[" + i + "]: '" + item.asText() + "' is neither {kid, file} nor kid=file");
                    continue;
                }
                key.put("kid", parts[0].trim());
                key.put("file", parts[1].trim());
            } else if (item.isObject()) {
                merge(key, item, path + "[" + i + "]");
            } else {
                problems.add(path + "[" + i + "]: expected {kid, file}, found " + item.getNodeType());
                continue;
            }
            result.add(key);
        }
        return result;
    }

    private void applyOverrides(ObjectNode tree, Map<String, String> overrides) {
        Map<String, String> byNormalizedName = new LinkedHashMap<>();
        overrides.forEach((name, value) -> byNormalizedName.put(normalizeEnvName(name), value));
        if (byNormalizedName.containsKey("AUTHJWTKEYS")) {
            // AUTH_JWT_KEYS=kid=file,kid=file replaces the whole list, also one from the file.
            ((ObjectNode) tree.get("auth").get("jwt")).set("keys", JsonNodeFactory.instance.arrayNode());
        }
        java.util.Set<String> used = new java.util.HashSet<>();
        walkLeaves(tree, "", (parent, key, path) -> {
            String value = byNormalizedName.get(normalizeEnvName(path));
            if (value != null) {
                used.add(normalizeEnvName(path));
            }
            if (value == null) {
                return;
            }
            if (parent.get(key).isArray()) {
                ArrayNode list = JsonNodeFactory.instance.arrayNode();
                for (String item : value.split(",")) {
                    if (!item.isBlank()) {
                        list.add(item.trim());
                    }
                }
                parent.set(key, list);
            } else {
                parent.put(key, value);
            }
        });
        // A misspelt variable would otherwise be ignored without a word; other programs' variables are left alone.
        overrides.keySet().stream()
                .filter(name -> name.matches("(?i)(GATEWAY|NATS|JETSTREAM|DEVICES)(_{1,2}).+"))
                .filter(name -> !used.contains(normalizeEnvName(name)))
                .forEach(name -> org.slf4j.LoggerFactory.getLogger(ConfigLoader.class)
                        .warn("Environment variable {} names no configuration key; it is ignored", name));
    }

    private interface LeafVisitor {
        void visit(ObjectNode parent, String key, String path);
    }

    private static void walkLeaves(ObjectNode node, String path, LeafVisitor visitor) {
        for (String key : fieldNames(node)) {
            JsonNode child = node.get(key);
            String childPath = path.isEmpty() ? key : path + "." + key;
            if (child.isObject()) {
                walkLeaves((ObjectNode) child, childPath, visitor);
            } else if (child.isArray() && child.size() > 0 && child.get(0).isObject()) {
                for (int i = 0; i < child.size(); i++) {
                    walkLeaves((ObjectNode) child.get(i), childPath + "." + i, visitor);
                }
            } else {
                visitor.visit(node, key, childPath);
            }
        }
    }

    static String normalizeEnvName(String name) {
        return name.replace("_", "").replace(".", "").toUpperCase(Locale.ROOT);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String canonicalKey(JsonNode target, String key) {
        for (String name : fieldNames(target)) {
            if (name.equalsIgnoreCase(key)) {
                return name;
            }
        }
        return null;
    }

    private GatewayConfig bind(ObjectNode tree, String hash) {
        JsonNode g = tree.get("gateway");
        String id = text(g, "gateway.id");
        if (id.isBlank()) {
            id = "gateway-" + hostName();
        }
        GatewayConfig.Server server = new GatewayConfig.Server(
                id,
                text(g, "gateway.host"),
                integer(g, "gateway.port", 0, 65535),
                integer(g, "gateway.eventLoops", 0, 256),
                integer(g, "gateway.maxMessageSize", 64, 64 * 1024 * 1024),
                integer(g, "gateway.maxFrameSizeFactor", 1, 64),
                integer(g, "gateway.messageRateLimitPerSecond", 1, 10_000_000),
                integer(g, "gateway.messageRateBurst", 0, 10_000_000),
                longValue(g, "gateway.bytesPerSecond", 0, Long.MAX_VALUE),
                integer(g, "gateway.outgoingBufferSize", 1, 1_000_000),
                longValue(g, "gateway.outgoingBufferBytes", 64 * 1024, Long.MAX_VALUE),
                slowConsumerPolicy(g, "gateway.slowConsumerPolicy"),
                integer(g, "gateway.maxConnections", 1, 10_000_000),
                integer(g, "gateway.newConnectionsPerSecondPerHost", 1, 10_000_000),
                integer(g, "gateway.newConnectionBurstPerHost", 1, 10_000_000),
                Duration.ofSeconds(integer(g, "gateway.maxClockSkewSeconds", 1, 86_400 * 365)),
                Duration.ofSeconds(integer(g, "gateway.authenticationTimeoutSeconds", 1, 3600)),
                Duration.ofSeconds(integer(g, "gateway.pingIntervalSeconds", 1, 3600)),
                Duration.ofSeconds(integer(g, "gateway.pingTimeoutSeconds", 1, 3600)),
                Duration.ofMillis(integer(g, "gateway.requestTimeoutMs", 1, 3_600_000)),
                Duration.ofMillis(integer(g, "gateway.maxRequestTimeoutMs", 1, 3_600_000)),
                integer(g, "gateway.maxInFlightPublishes", 1, 100_000),
                integer(g, "gateway.maxSubscriptionsPerDevice", 1, 100_000),
                Duration.ofSeconds(integer(g, "gateway.shutdownTimeoutSeconds", 0, 3600)));
        if (server.requestTimeout().compareTo(server.maxRequestTimeout()) > 0) {
            problems.add("gateway.requestTimeoutMs: must not exceed gateway.maxRequestTimeoutMs");
        }

        JsonNode a = tree.get("auth");
        GatewayConfig.Auth auth = new GatewayConfig.Auth(
                integer(a, "auth.maxFailuresPerDevice", 1, 1_000_000),
                integer(a, "auth.maxFailuresPerHost", 1, 1_000_000),
                Duration.ofSeconds(integer(a, "auth.lockoutBaseSeconds", 1, 86_400)),
                Duration.ofSeconds(integer(a, "auth.lockoutMaxSeconds", 1, 604_800)),
                jwt(a.get("jwt")));

        JsonNode n = tree.get("nats");
        GatewayConfig.Nats nats = new GatewayConfig.Nats(
                text(n, "nats.url"),
                text(n, "nats.clientName"),
                Duration.ofSeconds(integer(n, "nats.connectTimeoutSeconds", 1, 600)),
                Duration.ofMillis(integer(n, "nats.reconnectWaitMillis", 10, 600_000)),
                longValue(n, "nats.maxPendingBytes", 64 * 1024, Long.MAX_VALUE),
                bool(n, "nats.publishPerEventLoop"));
        if (!nats.url().matches("(nats|tls|ws|wss)://.+")) {
            problems.add("nats.url: '" + nats.url() + "' is not a NATS URL (nats://host:port)");
        }

        JsonNode js = tree.get("jetStream");
        List<GatewayConfig.StreamSpec> streams = new ArrayList<>();
        JsonNode streamNodes = js.get("streams");
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; streamNodes != null && i < streamNodes.size(); i++) {
            GatewayConfig.StreamSpec spec = stream(streamNodes.get(i), "jetStream.streams[" + i + "]");
            if (spec != null && !names.add(spec.name())) {
                problems.add("jetStream.streams[" + i + "].name: stream " + spec.name() + " is declared twice");
            }
            if (spec != null) {
                streams.add(spec);
            }
        }
        checkStreamOverlaps(streams);
        GatewayConfig.JetStream jetStream = new GatewayConfig.JetStream(
                bool(js, "jetStream.enabled"),
                Duration.ofMillis(integer(js, "jetStream.publishTimeoutMs", 100, 600_000)),
                Duration.ofSeconds(integer(js, "jetStream.durableAckWaitSeconds", 1, 86_400)),
                integer(js, "jetStream.durableMaxAckPending", 1, 100_000),
                integer(js, "jetStream.durableMaxDeliver", 1, 1_000_000),
                integer(js, "jetStream.maxDurablesPerDevice", 1, 10_000),
                List.copyOf(streams));

        JsonNode d = tree.get("devices");
        GatewayConfig.Devices devices = new GatewayConfig.Devices(
                Path.of(text(d, "devices.registryFile")),
                Duration.ofSeconds(integer(d, "devices.reloadIntervalSeconds", 1, 3600)));
        return new GatewayConfig(server, auth, nats, jetStream, devices, ValidationConfig.defaults(), hash,
                tls(tree.get("tls")), audit(tree.get("audit")), metrics(tree.get("metrics")), admin(tree.get("admin")),
                ui(tree.get("ui")));
    }

    private GatewayConfig.Metrics metrics(JsonNode m) {
        return new GatewayConfig.Metrics(Duration.ofSeconds(integer(m, "metrics.jetStreamPollSeconds", 0, 86_400)),
                integer(m, "metrics.maxConsumerSeries", 0, 10_000));
    }

    /** The hash comes from the file when one is named (its first line), else from the key; never a clear password. */
    private GatewayConfig.Admin admin(JsonNode a) {
        String user = text(a, "admin.user");
        String hash = text(a, "admin.passwordHash");
        String file = text(a, "admin.passwordHashFile");
        if (!file.isEmpty()) {
            try {
                hash = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8).stream().map(String::trim)
                        .filter(line -> !line.isEmpty()).findFirst().orElse("");
                if (hash.isEmpty()) {
                    problems.add("admin.passwordHashFile: " + file + " is empty");
                }
            } catch (IOException | java.nio.file.InvalidPathException e) {
                problems.add("admin.passwordHashFile: cannot read " + file);
                hash = "";
            }
        }
        if (user.isEmpty() || user.contains(":")) {
            problems.add("admin.user: must be a non-empty name without ':'");
        }
        if (!hash.isEmpty() && !com.pharmabridge.gateway.api.AdminCredential.isHash(hash)) {
            // Never echo the value: it may be a password pasted where its hash belongs.
            problems.add("admin." + (file.isEmpty() ? "passwordHash" : "passwordHashFile")
                    + ": not a password hash (pbkdf2-sha256$iterations$salt$hash); make one with "
                    + "'pharmabridge admin hash-password'");
            hash = "";
        }
        return new GatewayConfig.Admin(user, hash.isEmpty() ? null : hash);
    }

    private GatewayConfig.Ui ui(JsonNode u) {
        return new GatewayConfig.Ui(bool(u, "ui.enabled"),
                Duration.ofMillis(integer(u, "ui.refreshMillis", 100, 60_000)),
                integer(u, "ui.recentAlerts", 1, 10_000), integer(u, "ui.maxCriticalValues", 1, 100_000),
                Duration.ofHours(integer(u, "ui.replayHours", 0, 24 * 90)));
    }

    private GatewayConfig.Audit audit(JsonNode a) {
        String keyFile = text(a, "audit.signingKeyFile");
        Path key = keyFile.isEmpty() ? null : Path.of(keyFile);
        if (key != null && !Files.isReadable(key)) {
            problems.add("audit.signingKeyFile: cannot read " + key);
        }
        String keyId = text(a, "audit.keyId");
        if (keyId.isEmpty() && key != null) {
            String name = key.getFileName().toString();
            keyId = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        }
        return new GatewayConfig.Audit(bool(a, "audit.enabled"), key, keyId,
                Duration.ofSeconds(integer(a, "audit.checkpointIntervalSeconds", 1, 86_400)),
                integer(a, "audit.maxQueuedRecords", 100, 10_000_000));
    }

    private GatewayConfig.Jwt jwt(JsonNode j) {
        boolean enabled = bool(j, "auth.jwt.enabled");
        String issuer = text(j, "auth.jwt.issuer");
        String audience = text(j, "auth.jwt.audience");
        Duration skew = Duration.ofSeconds(integer(j, "auth.jwt.clockSkewSeconds", 0, 3600));
        List<GatewayConfig.JwtKey> keys = new ArrayList<>();
        JsonNode list = j == null ? null : j.get("keys");
        Set<String> kids = new java.util.HashSet<>();
        for (int i = 0; list != null && i < list.size(); i++) {
            String path = "auth.jwt.keys[" + i + "]";
            JsonNode item = list.get(i);
            if (item.isTextual()) { // from AUTH_JWT_KEYS: kid=file
                String[] parts = item.asText().split("=", 2);
                if (parts.length != 2) {
                    problems.add(path + ": '" + item.asText() + "' is not kid=file");
                    continue;
                }
                item = JsonNodeFactory.instance.objectNode().put("kid", parts[0].trim()).put("file", parts[1].trim());
            }
            String kid = text(item, path + ".kid");
            String file = text(item, path + ".file");
            if (kid.isEmpty() || file.isEmpty()) {
                if (!item.path("kid").isNull() && kid.isEmpty()) {
                    problems.add(path + ".kid: must not be empty");
                }
                if (!item.path("file").isNull() && file.isEmpty()) {
                    problems.add(path + ".file: must not be empty");
                }
                continue;
            }
            if (!kids.add(kid)) {
                problems.add(path + ".kid: key id '" + kid + "' is declared twice");
            }
            try {
                Path keyFile = Path.of(file);
                if (enabled) {
                    com.pharmabridge.gateway.auth.PemKeys.readPublicKey(keyFile);
                }
                keys.add(new GatewayConfig.JwtKey(kid, keyFile));
            } catch (IllegalArgumentException e) { // also an InvalidPathException
                problems.add(path + ".file: " + e.getMessage());
            }
        }
        if (enabled && (list == null || list.isEmpty())) {
            problems.add("auth.jwt.keys: at least one key is required when auth.jwt.enabled is true");
        }
        return new GatewayConfig.Jwt(enabled, keys, issuer.isEmpty() ? null : issuer,
                audience.isEmpty() ? null : audience, skew);
    }

    private GatewayConfig.Tls tls(JsonNode t) {
        boolean enabled = bool(t, "tls.enabled");
        String certFile = text(t, "tls.certFile");
        String keyFile = text(t, "tls.keyFile");
        String clientCa = text(t, "tls.clientCa");
        String rawClientAuth = text(t, "tls.clientAuth").toLowerCase(Locale.ROOT);
        GatewayConfig.ClientAuth clientAuth = switch (rawClientAuth) {
            case "none" -> GatewayConfig.ClientAuth.NONE;
            case "request" -> GatewayConfig.ClientAuth.REQUEST;
            case "required" -> GatewayConfig.ClientAuth.REQUIRED;
            default -> {
                problems.add("tls.clientAuth: '" + rawClientAuth + "' must be none, request or required");
                yield GatewayConfig.ClientAuth.NONE;
            }
        };
        boolean fromCertificate = bool(t, "tls.deviceIdFromCertificate");
        if (!enabled) {
            if (fromCertificate) {
                problems.add("tls.deviceIdFromCertificate: needs tls.enabled: true");
            }
            return new GatewayConfig.Tls(false, null, null, null, clientAuth, false);
        }
        pemFile(certFile, "tls.certFile", "CERTIFICATE");
        pemFile(keyFile, "tls.keyFile", "PRIVATE KEY");
        if (!clientCa.isEmpty()) {
            pemFile(clientCa, "tls.clientCa", "CERTIFICATE");
        } else if (clientAuth != GatewayConfig.ClientAuth.NONE) {
            // Without it the JVM's public CAs would vouch for devices.
            problems.add("tls.clientCa: required when tls.clientAuth is " + rawClientAuth);
        }
        if (fromCertificate && clientAuth == GatewayConfig.ClientAuth.NONE) {
            problems.add("tls.deviceIdFromCertificate: needs tls.clientAuth request or required");
        }
        return new GatewayConfig.Tls(true, path(certFile), path(keyFile), path(clientCa), clientAuth, fromCertificate);
    }

    /** @return the path, or {@code null} for an empty or unusable one (already reported) */
    private static Path path(String file) {
        try {
            return file.isEmpty() ? null : Path.of(file);
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /** Checks that {@code file} is readable and holds a PEM block whose label ends with {@code label}. */
    private void pemFile(String file, String path, String label) {
        if (file.isEmpty()) {
            problems.add(path + ": is required when tls.enabled is true");
            return;
        }
        try {
            String text = Files.readString(Path.of(file), StandardCharsets.ISO_8859_1);
            if (!text.matches("(?s).*-----BEGIN [A-Z0-9 ]*" + label + "-----.*")) {
                problems.add(path + ": " + file + " holds no PEM " + label);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            problems.add(path + ": file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            problems.add(path + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    private GatewayConfig.StreamSpec stream(JsonNode node, String path) {
        String name = text(node, path + ".name");
        if (!name.isEmpty() && !name.matches("[A-Za-z0-9_-]{1,64}")) {
            problems.add(path + ".name: '" + name + "' must be 1-64 of A-Z a-z 0-9 _ -");
        }
        List<String> subjects = new ArrayList<>();
        JsonNode list = node.get("subjects");
        if (list == null || !list.isArray() || list.isEmpty()) {
            problems.add(path + ".subjects: at least one subject pattern is required");
        } else {
            for (JsonNode s : list) {
                String subject = s.asText();
                String problem = Subjects.validate(subject, true);
                if (problem != null) {
                    problems.add(path + ".subjects: '" + subject + "': " + problem);
                }
                subjects.add(subject);
            }
        }
        String storage = text(node, path + ".storage").toLowerCase(Locale.ROOT);
        if (!storage.equals("file") && !storage.equals("memory")) {
            problems.add(path + ".storage: '" + storage + "' must be file or memory");
        }
        Duration maxAge = duration(node, path + ".maxAge");
        Duration window = node.has("duplicateWindow") ? duration(node, path + ".duplicateWindow") : Duration.ofMinutes(2);
        int replicas = node.has("replicas") ? integer(node, path + ".replicas", 1, 5) : 1;
        long maxBytes = node.has("maxBytes") ? longValue(node, path + ".maxBytes", -1, Long.MAX_VALUE) : -1;
        return new GatewayConfig.StreamSpec(name, List.copyOf(subjects), maxAge, storage, replicas,
                bool(node, path + ".denyDelete"), bool(node, path + ".denyPurge"), maxBytes, window);
    }

    private void checkStreamOverlaps(List<GatewayConfig.StreamSpec> streams) {
        for (int i = 0; i < streams.size(); i++) {
            for (int j = i + 1; j < streams.size(); j++) {
                for (String a : streams.get(i).subjects()) {
                    for (String b : streams.get(j).subjects()) {
                        if (Subjects.validate(a, true) == null && Subjects.validate(b, true) == null
                                && Subjects.overlaps(a, b)) {
                            problems.add("jetStream.streams: " + streams.get(i).name() + " (" + a + ") and "
                                    + streams.get(j).name() + " (" + b + ") overlap; JetStream refuses overlapping streams");
                        }
                    }
                }
            }
        }
    }

    private String text(JsonNode parent, String path) {
        JsonNode node = parent == null ? null : parent.get(lastKey(path));
        if (node == null || node.isNull()) {
            problems.add(path + ": is required");
            return "";
        }
        if (!node.isValueNode()) {
            problems.add(path + ": expected a single value");
            return "";
        }
        return node.asText().trim();
    }

    private int integer(JsonNode parent, String path, int min, int max) {
        return (int) longValue(parent, path, min, max);
    }

    private long longValue(JsonNode parent, String path, long min, long max) {
        String raw = text(parent, path);
        if (raw.isEmpty()) {
            return min;
        }
        try {
            long value = Long.parseLong(raw.replace("_", ""));
            if (value < min || value > max) {
                problems.add(path + ": " + value + " is outside " + min + ".." + max);
            }
            return value;
        } catch (NumberFormatException e) {
            problems.add(path + ": '" + raw + "' is not a whole number");
            return min;
        }
    }

    private com.pharmabridge.gateway.policy.DeviceLimits.SlowConsumerPolicy slowConsumerPolicy(JsonNode parent,
                                                                                          String path) {
        String raw = text(parent, path);
        try {
            return com.pharmabridge.gateway.policy.DeviceLimits.SlowConsumerPolicy.parse(raw);
        } catch (IllegalArgumentException e) {
            problems.add(path + ": " + e.getMessage());
            return com.pharmabridge.gateway.policy.DeviceLimits.SlowConsumerPolicy.DROP_OLDEST;
        }
    }

    private boolean bool(JsonNode parent, String path) {
        String raw = text(parent, path).toLowerCase(Locale.ROOT);
        if (raw.equals("true") || raw.equals("false")) {
            return raw.equals("true");
        }
        problems.add(path + ": '" + raw + "' must be true or false");
        return false;
    }

    private Duration duration(JsonNode parent, String path) {
        String raw = text(parent, path).toLowerCase(Locale.ROOT);
        if (raw.isEmpty()) {
            return Duration.ZERO; // already reported as missing
        }
        if (raw.equals("unlimited") || raw.equals("0")) {
            return Duration.ZERO; // JetStream's "keep forever"
        }
        Matcher m = DURATION.matcher(raw);
        if (!m.matches()) {
            problems.add(path + ": '" + raw + "' is not a duration such as 500ms, 30s, 15m, 24h, 7d or unlimited");
            return Duration.ZERO;
        }
        try {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            problems.add(path + ": '" + raw + "' is too long a duration");
            return Duration.ZERO;
        }
    }

    private static String lastKey(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private static String describe(String path) {
        return path.isEmpty() ? "(top level)" : path;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_-]", "-");
        } catch (IOException e) {
            return "local";
        }
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
