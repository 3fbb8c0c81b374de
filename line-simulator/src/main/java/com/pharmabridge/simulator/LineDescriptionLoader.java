package com.pharmabridge.simulator;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@link LineDescription} from YAML. Every problem is reported with the key path it was found at, e.g.
 * {@code plants[0].lines[1].machines[2].type: unknown equipment 'labeller'}, and unknown keys are refused so that a
 * misspelt key is not silently ignored.
 */
public final class LineDescriptionLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private LineDescriptionLoader() {
    }

    /**
     * @param file a YAML line description
     * @throws IllegalArgumentException naming the file and the key path of the first problem
     */
    public static LineDescription load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("line description " + file + " not found", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read line description " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException naming the key path of the first problem */
    public static LineDescription parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            // SnakeYAML's message spans lines with a caret picture; its first line and the position are what help.
            String first = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
            throw new IllegalArgumentException("not valid YAML" + (e.getLocation() == null ? "" : " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()) + ": " + first, e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected a mapping with 'plants'");
        }
        allowOnly(root, "", Set.of("seed", "speed", "duration", "start", "offlineStore", "plants", "outages"));
        long seed = root.path("seed").asLong(42);
        double speed = speed(root.get("speed"));
        Duration duration = root.hasNonNull("duration") ? duration(root.get("duration"), "duration") : null;
        Instant start = root.hasNonNull("start") ? instant(root.get("start").asText(), "start") : null;
        LineDescription.OfflineStoreKind store = LineDescription.OfflineStoreKind.DISK;
        if (root.hasNonNull("offlineStore")) {
            String kind = root.get("offlineStore").asText().toUpperCase(Locale.ROOT);
            try {
                store = LineDescription.OfflineStoreKind.valueOf(kind);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("offlineStore: expected disk or memory");
            }
        }
        LineDescription.OfflineStoreKind chosenStore = store;
        JsonNode plantNodes = root.get("plants");
        if (plantNodes == null || !plantNodes.isArray() || plantNodes.isEmpty()) {
            throw new IllegalArgumentException("plants: expected a list of at least one plant");
        }
        List<LineDescription.Plant> plants = new ArrayList<>();
        for (int p = 0; p < plantNodes.size(); p++) {
            plants.add(plant(plantNodes.get(p), "plants[" + p + "]"));
        }
        List<LineDescription.Outage> outages = new ArrayList<>();
        JsonNode outageNodes = root.path("outages");
        for (int o = 0; o < outageNodes.size(); o++) {
            String path = "outages[" + o + "]";
            JsonNode node = outageNodes.get(o);
            allowOnly(node, path, Set.of("device", "at", "for"));
            outages.add(checked(path, () -> new LineDescription.Outage(text(node, "device", path),
                    duration(node.get("at"), path + ".at"), duration(node.get("for"), path + ".for"))));
        }
        return checked("", () -> new LineDescription(seed, speed, duration, start, chosenStore, plants, outages));
    }

    private static Instant instant(String text, String path) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(path + ": expected an ISO-8601 instant such as 2026-01-15T06:00:00Z");
        }
    }

    private static LineDescription.Plant plant(JsonNode node, String path) {
        allowOnly(node, path, Set.of("id", "lines"));
        String plantId = text(node, "id", path);
        JsonNode lineNodes = node.get("lines");
        if (lineNodes == null || !lineNodes.isArray() || lineNodes.isEmpty()) {
            throw new IllegalArgumentException(path + ".lines: expected a list of at least one line");
        }
        List<LineDescription.Line> lines = new ArrayList<>();
        for (int l = 0; l < lineNodes.size(); l++) {
            lines.add(line(lineNodes.get(l), plantId, path + ".lines[" + l + "]"));
        }
        return checked(path, () -> new LineDescription.Plant(plantId, lines));
    }

    private static LineDescription.Line line(JsonNode node, String plantId, String path) {
        allowOnly(node, path, Set.of("id", "product", "batches", "hmi", "machines"));
        String lineId = text(node, "id", path);
        LineDescription.Product product = LineDescription.Product.DEFAULT;
        if (node.hasNonNull("product")) {
            JsonNode p = node.get("product");
            allowOnly(p, path + ".product", Set.of("name", "gtin"));
            product = checked(path + ".product", () -> new LineDescription.Product(
                    p.path("name").asText(LineDescription.Product.DEFAULT.name()),
                    p.path("gtin").asText(LineDescription.Product.DEFAULT.gtin())));
        }
        LineDescription.BatchPlan batches = LineDescription.BatchPlan.DEFAULT;
        if (node.hasNonNull("batches")) {
            JsonNode b = node.get("batches");
            String bp = path + ".batches";
            allowOnly(b, bp, Set.of("prefix", "duration", "changeover", "plannedQuantity"));
            LineDescription.BatchPlan d = LineDescription.BatchPlan.DEFAULT;
            batches = checked(bp, () -> new LineDescription.BatchPlan(b.path("prefix").asText(d.prefix()),
                    b.hasNonNull("duration") ? duration(b.get("duration"), bp + ".duration") : d.duration(),
                    b.hasNonNull("changeover") ? duration(b.get("changeover"), bp + ".changeover") : d.changeover(),
                    b.path("plannedQuantity").asLong(d.plannedQuantity())));
        }
        String hmi = node.path("hmi").asText("hmi-" + lineId);
        JsonNode machineNodes = node.get("machines");
        if (machineNodes == null || !machineNodes.isArray() || machineNodes.isEmpty()) {
            throw new IllegalArgumentException(path + ".machines: expected a list of at least one machine");
        }
        List<LineDescription.Machine> machines = new ArrayList<>();
        for (int m = 0; m < machineNodes.size(); m++) {
            String mp = path + ".machines[" + m + "]";
            JsonNode mn = machineNodes.get(m);
            allowOnly(mn, mp, Set.of("id", "type", "cycle"));
            Equipment equipment = equipment(text(mn, "type", mp), mp + ".type");
            String id = mn.path("id").asText(equipment.subjectToken() + "-" + lineId + "-01");
            Duration cycle = mn.hasNonNull("cycle") ? duration(mn.get("cycle"), mp + ".cycle")
                    : LineDescription.Machine.defaultCycle(equipment);
            machines.add(checked(mp, () -> new LineDescription.Machine(id, equipment, cycle)));
        }
        LineDescription.Product chosen = product;
        LineDescription.BatchPlan plan = batches;
        return checked(path, () -> new LineDescription.Line(plantId, lineId, chosen, plan, hmi, machines));
    }

    private static Equipment equipment(String type, String path) {
        for (Equipment equipment : Equipment.values()) {
            if (equipment.subjectToken().equalsIgnoreCase(type)) {
                return equipment;
            }
        }
        List<String> known = new ArrayList<>();
        for (Equipment equipment : Equipment.values()) {
            known.add(equipment.subjectToken());
        }
        throw new IllegalArgumentException(path + ": unknown equipment '" + type + "' (one of " + known + ")");
    }

    private static double speed(JsonNode node) {
        if (node == null || node.isNull()) {
            return 1;
        }
        if ("max".equalsIgnoreCase(node.asText())) {
            return Double.POSITIVE_INFINITY;
        }
        if (node.isNumber() && node.asDouble() > 0 && Double.isFinite(node.asDouble())) {
            return node.asDouble();
        }
        throw new IllegalArgumentException("speed: expected a number above 0 (1 = real time, 60 = a minute per "
                + "second) or max");
    }

    /**
     * Parses {@code 90s}, {@code 5m}, {@code 8h}, {@code 1h30m}, {@code 250ms}, {@code 2d}, or ISO-8601
     * ({@code PT8H}).
     *
     * @throws IllegalArgumentException naming {@code path} when it is none of these
     */
    static Duration duration(JsonNode node, String path) {
        String text = node == null || node.isNull() ? "" : node.asText().trim();
        if (text.startsWith("P") || text.startsWith("p")) {
            try {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(path + ": '" + text + "' is not an ISO-8601 duration");
            }
        }
        Matcher matcher = DURATION_PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (matcher.find() && matcher.start() == end) {
            long amount = Long.parseLong(matcher.group(1));
            total = total.plus(switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
            end = matcher.end();
        }
        if (text.isEmpty() || end != text.length()) {
            throw new IllegalArgumentException(path + ": expected a duration such as 90s, 5m, 8h or 1h30m, got '"
                    + text + "'");
        }
        return total;
    }

    private static String text(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || !value.isValueNode() || value.asText().isBlank()) {
            throw new IllegalArgumentException(path + "." + field + ": required");
        }
        return value.asText();
    }

    private static void allowOnly(JsonNode node, String path, Set<String> keys) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException((path.isEmpty() ? "line description" : path) + ": expected a mapping");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!keys.contains(name)) {
                throw new IllegalArgumentException((path.isEmpty() ? "" : path + ".") + name
                        + ": unknown key (known: " + String.join(", ", keys.stream().sorted().toList()) + ")");
            }
        }
    }

    private interface Build<T> {
        T get();
    }

    // Puts the key path in front of what a record's own checks say.
    private static <T> T checked(String path, Build<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            if (path.isEmpty() || message.startsWith(path)) {
                throw new IllegalArgumentException(message, e);
            }
            throw new IllegalArgumentException(path + ": " + message, e);
        }
    }
}
