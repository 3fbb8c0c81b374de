package com.pharmabridge.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.gateway.metrics.GatewayMetrics;
import com.pharmabridge.protocol.ProtocolException;
import com.pharmabridge.protocol.Subjects;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a Publish payload against the JSON Schema its subject is bound to (first matching rule of
 * {@link ValidationConfig#rules()}) and, on serialization subjects, against the GS1 rules. Schemas are compiled once,
 * by {@link #create}. A schema whose keywords the {@link StreamingSchema} covers is first checked straight from the
 * frame's bytes (see {@link com.pharmabridge.protocol.JsonCursor}); only a payload that check does not find valid (or
 * a subject with GS1 checks, or a schema it does not cover) is parsed into a Jackson tree and checked by the networknt
 * validator, which stays the reference and words every refusal. Subjects no rule matches are not parsed at all.
 * Thread-safe.
 */
public final class PayloadValidator {
    /** The events of {@code batch.{batch-id}.{event}} the shipped "batch-event" schema accepts. */
    static final Set<String> BATCH_EVENTS = Set.of("start", "complete", "hold", "release");

    /**
     * Parses payloads into trees. Jackson's fast double parser (FastDoubleParser, correctly rounded: the same values
     * as {@link Double#parseDouble}) takes the number conversion off the top of a telemetry payload's parse.
     */
    private static final ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();
    private static final PayloadValidator NONE = new PayloadValidator(new CompiledRule[0], new String[0]);

    private final CompiledRule[] rules;
    private final String[] gs1Subjects;
    private final com.pharmabridge.protocol.PayloadInspector inspector = this::inspect;

    /**
     * @param patterns       subject patterns of the rule
     * @param name           the schema as configured: a shipped name or a file path
     * @param streaming      the schema for the streaming fast path, or {@code null} when it uses keywords that path
     *                       does not cover
     * @param batchLifecycle the subject's last token must be a batch event (the shipped "batch-event" schema)
     */
    private record CompiledRule(String[] patterns, String name, Schema schema, StreamingSchema streaming,
                                boolean batchLifecycle) {
    }

    private PayloadValidator(CompiledRule[] rules, String[] gs1Subjects) {
        this.rules = rules;
        this.gs1Subjects = gs1Subjects;
    }

    /**
     * Compiles every schema the configuration names; a schema used by several rules is compiled once.
     *
     * @return a validator, or {@link #none()} when validation is disabled
     * @throws IllegalArgumentException naming the schema (file) that cannot be read or is not a valid JSON Schema
     */
    public static PayloadValidator create(ValidationConfig config) {
        if (!config.enabled()) {
            return none();
        }
        SchemaCatalog catalog = new SchemaCatalog(config.batchIdPattern());
        Map<String, SchemaCatalog.Compiled> compiled = new HashMap<>();
        CompiledRule[] rules = new CompiledRule[config.rules().size()];
        for (int i = 0; i < rules.length; i++) {
            ValidationConfig.Rule rule = config.rules().get(i);
            SchemaCatalog.Compiled schema = compiled.computeIfAbsent(rule.schema(),
                    catalog::compileWithStreaming);
            rules[i] = new CompiledRule(rule.subjects().toArray(String[]::new), rule.schema(), schema.schema(),
                    schema.streaming(), rule.schema().equals("batch-event"));
        }
        return new PayloadValidator(rules, config.gs1Subjects().toArray(String[]::new));
    }

    /** A validator that accepts every payload. */
    public static PayloadValidator none() {
        return NONE;
    }

    /** Which rule (schema name, or file path as configured) applies to a subject, or {@code null}. */
    public String schemaFor(String subject) {
        CompiledRule rule = ruleFor(subject);
        return rule == null ? null : rule.name();
    }

    /** Whether the schema of the rule that applies to a subject has the streaming fast path (for tests). */
    boolean hasFastPath(String subject) {
        CompiledRule rule = ruleFor(subject);
        return rule != null && rule.streaming() != null;
    }

    /**
     * Validates the payload held in {@code frame[offset, offset + length)} (the JSON value of the envelope's
     * {@code payload}) for a Publish to {@code subject}. Returns quietly when no rule matches the subject.
     *
     * @throws ProtocolException with {@link ErrorCode#INVALID_MESSAGE} and a message naming the JSON pointer of the
     *                           failing field, e.g. "Payload does not match schema 'telemetry' at /value: must be a
     *                           number (or, for a state, a name such as "running")"
     * @return the payload as checked, for callers that read top-level fields of it without parsing it again;
     * {@code null} when no rule applies (the payload was not parsed)
     */
    public CheckedPayload validate(String subject, byte[] frame, int offset, int length) {
        return validate(subject, frame, offset, length, null);
    }

    /**
     * As {@link #validate(String, byte[], int, int)}, using what {@link #inspector()} found while the envelope was
     * decoded ({@code Envelope.inspection()}, for this subject) instead of parsing the payload again.
     */
    public CheckedPayload validate(String subject, byte[] frame, int offset, int length, Object inspection) {
        if (inspection instanceof Inspected found) {
            if (found.rule().batchLifecycle()) {
                checkBatchEvent(subject);
            }
            if (found.outcome() == StreamingSchema.VALID) {
                return CheckedPayload.ofCaptured(frame, offset, length, found.captured());
            }
            return validateWithTree(found.rule(), false, frame, offset, length);
        }
        SubjectRules found = rulesFor(subject);
        CompiledRule rule = found.rule();
        boolean gs1 = found.gs1();
        if (rule == null && !gs1) {
            return null;
        }
        if (rule != null && rule.batchLifecycle()) {
            checkBatchEvent(subject);
        }
        if (rule != null && !gs1 && rule.streaming() != null) {
            String[] captured = new String[CheckedPayload.CAPTURED_FIELDS.length];
            if (rule.streaming().check(frame, offset, length, CheckedPayload.CAPTURED_FIELDS, captured)
                    == StreamingSchema.VALID) {
                return CheckedPayload.ofCaptured(frame, offset, length, captured);
            }
            // Not valid, or not certainly: networknt decides, and words the refusal as it always has.
        }
        return validateWithTree(rule, gs1, frame, offset, length);
    }

    /**
     * Checks Publish and Request payloads while the envelope decoder passes over them (one parse of the frame instead
     * of two), where the subject's schema has a streaming check and no GS1 rule applies. Thread-safe.
     */
    public com.pharmabridge.protocol.PayloadInspector inspector() {
        return inspector;
    }

    private Object inspect(com.pharmabridge.protocol.MessageType type, String subject,
                           com.pharmabridge.protocol.JsonCursor cursor) {
        if (type != com.pharmabridge.protocol.MessageType.PUBLISH && type != com.pharmabridge.protocol.MessageType.REQUEST) {
            return null;
        }
        SubjectRules found = rulesFor(subject);
        CompiledRule rule = found.rule();
        if (rule == null || rule.streaming() == null || found.gs1()) {
            return null;
        }
        String[] captured = new String[CheckedPayload.CAPTURED_FIELDS.length];
        return new Inspected(rule, rule.streaming().checkInPlace(cursor, CheckedPayload.CAPTURED_FIELDS, captured),
                captured);
    }

    /** What {@link #inspect} found: the rule it applied, the streaming outcome, the captured top-level fields. */
    private record Inspected(CompiledRule rule, byte outcome, String[] captured) {
    }

    /**
     * As {@link #validate}, without the streaming fast path: the payload parsed into a tree and checked by networknt
     * alone. The reference the fast path is measured against (tests, benchmarks).
     */
    public CheckedPayload validateWithoutFastPath(String subject, byte[] frame, int offset, int length) {
        CompiledRule rule = ruleFor(subject);
        boolean gs1 = gs1Applies(subject);
        if (rule == null && !gs1) {
            return null;
        }
        if (rule != null && rule.batchLifecycle()) {
            checkBatchEvent(subject);
        }
        return validateWithTree(rule, gs1, frame, offset, length);
    }

    /**
     * The streaming check alone, for tests comparing it with networknt: {@link StreamingSchema#VALID},
     * {@link StreamingSchema#INVALID} or {@link StreamingSchema#UNSURE}; -1 when the subject's schema has no fast path.
     */
    int fastPathOutcome(String subject, byte[] frame, int offset, int length) {
        CompiledRule rule = ruleFor(subject);
        if (rule == null || rule.streaming() == null) {
            return -1;
        }
        return rule.streaming().check(frame, offset, length, CheckedPayload.CAPTURED_FIELDS,
                new String[CheckedPayload.CAPTURED_FIELDS.length]);
    }

    private CheckedPayload validateWithTree(CompiledRule rule, boolean gs1, byte[] frame, int offset, int length) {
        JsonNode payload;
        try {
            payload = MAPPER.readTree(frame, offset, length);
        } catch (IOException e) {
            throw invalid(GatewayMetrics.ValidationReason.NOT_JSON, "Payload is not valid JSON");
        }
        if (payload == null || payload.isMissingNode()) {
            throw invalid(GatewayMetrics.ValidationReason.EMPTY, "Payload is empty");
        }
        if (rule != null) {
            List<Error> errors = rule.schema().validate(payload);
            if (!errors.isEmpty()) {
                String more = errors.size() == 1 ? "" : " (and " + (errors.size() - 1) + " more)";
                throw invalid(GatewayMetrics.ValidationReason.SCHEMA,
                        "Payload does not match schema '" + rule.name() + "' at " + describe(errors.get(0)) + more);
            }
        }
        if (gs1) {
            Gs1Checks.Failure failure = Gs1Checks.check(payload);
            if (failure != null) {
                throw invalid(GatewayMetrics.ValidationReason.GS1,
                        "Payload fails the GS1 checks at " + failure.pointer() + ": " + failure.reason());
            }
        }
        return CheckedPayload.ofTree(frame, offset, length, payload);
    }

    /** What applies to a subject: its rule (or null) and whether the GS1 checks do. */
    private record SubjectRules(CompiledRule rule, boolean gs1) {
    }

    /** {@link #ruleFor} and {@link #gs1Applies} of recent subjects: matching every pattern per message was 4 %. */
    private final com.pharmabridge.protocol.RecentSubjects<SubjectRules> recentSubjects =
            new com.pharmabridge.protocol.RecentSubjects<>(4096);
    private final java.util.function.Function<String, SubjectRules> matchRules =
            subject -> new SubjectRules(ruleFor(subject), gs1Applies(subject));

    private SubjectRules rulesFor(String subject) {
        return recentSubjects.get(subject, matchRules);
    }

    private CompiledRule ruleFor(String subject) {
        for (CompiledRule rule : rules) {
            for (String pattern : rule.patterns()) {
                if (Subjects.matches(pattern, subject)) {
                    return rule;
                }
            }
        }
        return null;
    }

    private boolean gs1Applies(String subject) {
        for (String pattern : gs1Subjects) {
            if (Subjects.matches(pattern, subject)) {
                return true;
            }
        }
        return false;
    }

    private static void checkBatchEvent(String subject) {
        String event = subject.substring(subject.lastIndexOf('.') + 1);
        if (!BATCH_EVENTS.contains(event)) {
            throw invalid(GatewayMetrics.ValidationReason.BATCH_EVENT, "Subject " + subject
                    + " is not a batch lifecycle event: its last token must be start, "
                    + "complete, hold or release");
        }
    }

    /**
     * "pointer: message" for one schema error. A missing required property is reported at the pointer of that
     * property, so the device learns which field to add; the whole payload is "(root)".
     */
    static String describe(Error error) {
        String pointer = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
        String message = error.getMessage();
        if ("required".equals(error.getKeyword()) && error.getProperty() != null) {
            pointer = pointer + "/" + error.getProperty().replace("~", "~0").replace("/", "~1");
            if (!error.isCustomMessage()) {
                message = "is required";
            }
        }
        return (pointer.isEmpty() ? "(root)" : pointer) + ": " + message;
    }

    private static Refused invalid(GatewayMetrics.ValidationReason reason, String message) {
        return new Refused(reason, message);
    }

    /** An INVALID_MESSAGE refusal of a payload, with its reason for the metrics. */
    public static final class Refused extends ProtocolException {
        private final transient GatewayMetrics.ValidationReason reason;

        Refused(GatewayMetrics.ValidationReason reason, String message) {
            super(ErrorCode.INVALID_MESSAGE, message);
            this.reason = reason;
        }

        public GatewayMetrics.ValidationReason reason() {
            return reason;
        }
    }
}
