package com.pharmabridge.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.protocol.Subjects;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Bound from the {@code validation:} section of the gateway config: which JSON Schema each publish subject's payload
 * must match, and where the GS1 checks of serialization data apply.
 *
 * <pre>
 * validation:
 *   enabled: true
 *   includeDefaultRules: true        # the shipped bindings follow the rules given here
 *   batchIdPattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
 *   gs1Subjects: ["factory.*.*.serialization.&gt;", "quality.*.serialization.&gt;"]
 *   rules:                           # first matching rule wins
 *     - subjects: ["factory.dublin.line3.labeller.&gt;"]
 *       schema: /etc/pharmabridge/schemas/labeller.json   # a file, or a shipped name such as telemetry
 * </pre>
 *
 * @param enabled        false: no payload is validated
 * @param rules          subject patterns and the schema their payloads must match; the first matching rule wins
 * @param batchIdPattern regular expression (Java syntax, searched: anchor it) a {@code batchId} field must match
 * @param gs1Subjects    subject patterns whose payloads get the GS1 checks of {@code gtin}, {@code expiry},
 *                       {@code lot} and {@code serial}
 */
public record ValidationConfig(boolean enabled, List<Rule> rules, String batchIdPattern, List<String> gs1Subjects) {
    /** Schemas that ship inside the gateway, by the name a rule gives them. */
    public static final List<String> SHIPPED_SCHEMAS =
            List.of("telemetry", "event", "alert", "quality", "batch-event", "serialization-read");
    public static final String DEFAULT_BATCH_ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
    public static final List<String> DEFAULT_GS1_SUBJECTS =
            List.of("factory.*.*.serialization.>", "quality.*.serialization.>");
    /** The shipped bindings; a serialization read must come before the catch-all factory rule. */
    public static final List<Rule> DEFAULT_RULES = List.of(
            new Rule(List.of("factory.*.*.serialization.read"), "serialization-read"),
            new Rule(List.of("factory.>", "telemetry.>"), "telemetry"),
            new Rule(List.of("alerts.>"), "alert"),
            new Rule(List.of("quality.>"), "quality"),
            new Rule(List.of("batch.*.*"), "batch-event"),
            new Rule(List.of("events.>"), "event"));

    private static final String SECTION = "validation";
    private static final List<String> KEYS = List.of("enabled", "includeDefaultRules", "batchIdPattern", "gs1Subjects", "rules");
    private static final List<String> RULE_KEYS = List.of("subjects", "schema");

    /**
     * @param subjects NATS subject patterns ({@code *}, {@code >} allowed)
     * @param schema   a shipped schema name ({@link #SHIPPED_SCHEMAS}) or the path of a JSON (or YAML) schema file
     */
    public record Rule(List<String> subjects, String schema) {
        public Rule {
            subjects = List.copyOf(subjects);
            Objects.requireNonNull(schema, "schema");
        }
    }

    public ValidationConfig {
        rules = List.copyOf(rules);
        gs1Subjects = List.copyOf(gs1Subjects);
        Objects.requireNonNull(batchIdPattern, "batchIdPattern");
    }

    /** The shipped bindings, enabled. */
    public static ValidationConfig defaults() {
        return new ValidationConfig(true, DEFAULT_RULES, DEFAULT_BATCH_ID_PATTERN, DEFAULT_GS1_SUBJECTS);
    }

    /** @return true when {@code schema} names a shipped schema rather than a file */
    public static boolean isShipped(String schema) {
        return SHIPPED_SCHEMAS.contains(schema);
    }

    /**
     * Binds a YAML/JSON section ({@code null}, missing or YAML null: the defaults). Keys match case-insensitively.
     * Rules given are tried first, then the shipped ones unless {@code includeDefaultRules: false}; a list of
     * {@code gs1Subjects} replaces the default one. Each schema file is read and compiled here, so that a broken file is
     * reported with its key at start rather than on the first message.
     *
     * @param problems receives one message per wrong key, each naming it, e.g. {@code "validation.rules[0].schema: …"}
     * @return the bound configuration; when problems were added, a best-effort one that should not be used
     */
    public static ValidationConfig bind(JsonNode section, List<String> problems) {
        if (section == null || section.isMissingNode() || section.isNull()) {
            return defaults();
        }
        if (!section.isObject()) {
            problems.add(SECTION + ": expected a section of keys, found " + section.getNodeType());
            return defaults();
        }
        checkKeys(section, SECTION, KEYS, problems);
        boolean enabled = bool(field(section, "enabled"), SECTION + ".enabled", true, problems);
        boolean includeDefaults = bool(field(section, "includeDefaultRules"), SECTION + ".includeDefaultRules", true, problems);

        String batchIdPattern = DEFAULT_BATCH_ID_PATTERN;
        JsonNode pattern = field(section, "batchIdPattern");
        if (pattern != null && !pattern.isNull()) {
            if (!pattern.isTextual() || pattern.asText().isEmpty()) {
                problems.add(SECTION + ".batchIdPattern: expected a regular expression such as " + DEFAULT_BATCH_ID_PATTERN);
            } else {
                try {
                    Pattern.compile(pattern.asText());
                    batchIdPattern = pattern.asText();
                } catch (PatternSyntaxException e) {
                    problems.add(SECTION + ".batchIdPattern: '" + pattern.asText() + "' is not a regular expression: "
                            + e.getDescription());
                }
            }
        }

        List<String> gs1Subjects = DEFAULT_GS1_SUBJECTS;
        JsonNode gs1 = field(section, "gs1Subjects");
        if (gs1 != null && !gs1.isNull()) {
            gs1Subjects = subjects(gs1, SECTION + ".gs1Subjects", false, problems);
        }

        List<Rule> rules = new ArrayList<>();
        JsonNode ruleNodes = field(section, "rules");
        if (ruleNodes != null && !ruleNodes.isNull()) {
            if (!ruleNodes.isArray()) {
                problems.add(SECTION + ".rules: expected a list of rules, each with subjects and schema");
            } else {
                for (int i = 0; i < ruleNodes.size(); i++) {
                    Rule rule = rule(ruleNodes.get(i), SECTION + ".rules[" + i + "]", batchIdPattern, problems);
                    if (rule != null) {
                        rules.add(rule);
                    }
                }
            }
        }
        if (includeDefaults) {
            rules.addAll(DEFAULT_RULES);
        }
        return new ValidationConfig(enabled, rules, batchIdPattern, gs1Subjects);
    }

    private static Rule rule(JsonNode node, String path, String batchIdPattern, List<String> problems) {
        if (!node.isObject()) {
            problems.add(path + ": expected a section with subjects and schema, found " + node.getNodeType());
            return null;
        }
        checkKeys(node, path, RULE_KEYS, problems);
        JsonNode subjectNode = field(node, "subjects");
        List<String> subjects = List.of();
        if (subjectNode == null || subjectNode.isNull()) {
            problems.add(path + ".subjects: at least one subject pattern is required");
        } else {
            subjects = subjects(subjectNode, path + ".subjects", true, problems);
        }
        JsonNode schemaNode = field(node, "schema");
        if (schemaNode == null || schemaNode.isNull() || !schemaNode.isValueNode() || schemaNode.asText().isBlank()) {
            problems.add(path + ".schema: is required: a shipped schema (" + String.join(", ", SHIPPED_SCHEMAS)
                    + ") or the path of a schema file");
            return null;
        }
        String schema = schemaNode.asText().trim();
        if (!isShipped(schema)) {
            String problem = checkSchemaFile(schema, batchIdPattern);
            if (problem != null) {
                problems.add(path + ".schema: " + problem);
                return null;
            }
        }
        return subjects.isEmpty() ? null : new Rule(subjects, schema);
    }

    /** @return why {@code schema} cannot be used as a schema file, or {@code null} when it compiles */
    private static String checkSchemaFile(String schema, String batchIdPattern) {
        if (!looksLikePath(schema)) {
            return "'" + schema + "' is neither a shipped schema (" + String.join(", ", SHIPPED_SCHEMAS)
                    + ") nor a schema file path (a path has a / or ends in .json, .yaml or .yml)";
        }
        Path file;
        try {
            file = Path.of(schema);
        } catch (InvalidPathException e) {
            return "'" + schema + "' is not a valid file path";
        }
        if (!Files.isRegularFile(file)) {
            return "schema file " + file.toAbsolutePath() + " does not exist";
        }
        if (!Files.isReadable(file)) {
            return "schema file " + file.toAbsolutePath() + " cannot be read";
        }
        try {
            new SchemaCatalog(batchIdPattern).compile(schema);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    static boolean looksLikePath(String schema) {
        String lower = schema.toLowerCase(Locale.ROOT);
        return schema.indexOf('/') >= 0 || schema.indexOf('\\') >= 0
                || lower.endsWith(".json") || lower.endsWith(".yaml") || lower.endsWith(".yml");
    }

    private static List<String> subjects(JsonNode node, String path, boolean required, List<String> problems) {
        List<String> subjects = new ArrayList<>();
        if (node.isTextual()) {
            addSubject(node.asText().trim(), path, subjects, problems);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (!item.isTextual()) {
                    problems.add(path + "[" + i + "]: expected a subject pattern, found " + item.getNodeType());
                } else {
                    addSubject(item.asText().trim(), path + "[" + i + "]", subjects, problems);
                }
            }
        } else {
            problems.add(path + ": expected a list of subject patterns, found " + node.getNodeType());
            return List.of();
        }
        if (required && subjects.isEmpty() && node.isArray() && node.isEmpty()) {
            problems.add(path + ": at least one subject pattern is required");
        }
        return subjects;
    }

    private static void addSubject(String subject, String path, List<String> out, List<String> problems) {
        String problem = Subjects.validate(subject, true);
        if (problem != null) {
            problems.add(path + ": '" + subject + "': " + problem);
        } else {
            out.add(subject);
        }
    }

    private static boolean bool(JsonNode node, String path, boolean absent, List<String> problems) {
        if (node == null || node.isNull()) {
            return absent;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        String raw = node.isValueNode() ? node.asText().trim().toLowerCase(Locale.ROOT) : node.getNodeType().toString();
        if (raw.equals("true") || raw.equals("false")) {
            return raw.equals("true"); // from an environment variable
        }
        problems.add(path + ": '" + raw + "' must be true or false");
        return absent;
    }

    /** The value of {@code key}, matched case-insensitively as the rest of the configuration is. */
    private static JsonNode field(JsonNode node, String key) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equalsIgnoreCase(key)) {
                return field.getValue();
            }
        }
        return null;
    }

    private static void checkKeys(JsonNode node, String path, List<String> known, List<String> problems) {
        node.fieldNames().forEachRemaining(name -> {
            if (known.stream().noneMatch(name::equalsIgnoreCase)) {
                problems.add(path + "." + name + ": unknown key (known here: " + String.join(", ", known) + ")");
            }
        });
    }
}
