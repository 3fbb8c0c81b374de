package com.pharmabridge.gateway.validation;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.regex.RegularExpressions;
import com.pharmabridge.protocol.JsonCursor;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A JSON Schema (draft 2020-12) compiled for checking a payload straight from its bytes with a {@link JsonCursor}: no
 * tree, and numbers converted only where a bound or a type needs it. It covers a whitelist of keywords (see
 * {@link #SUPPORTED}); a schema using any other keyword, anywhere it can reach, gets none ({@link #compile} returns
 * {@code null}) and stays with the networknt validator.
 * <p>
 * Its answer is {@link #VALID}, {@link #INVALID} or {@link #UNSURE}. Only VALID is acted on: anything else goes to the
 * networknt validator, which is the reference and words the errors. So VALID must never be said of a payload networknt
 * refuses (or that the tree parser refuses as JSON); UNSURE is said wherever agreement is not certain (repeated keys,
 * a float where only "integer" is allowed, a number equal to a bound after rounding, non-finite or overlong numbers,
 * numbers against a numeric enum or const, input the cursor refuses). INVALID must be certain too, because {@code not},
 * {@code if}, {@code anyOf} and {@code oneOf} turn it into validity. Thread-safe.
 */
final class StreamingSchema {
    static final byte VALID = 0;
    static final byte INVALID = 1;
    static final byte UNSURE = 2;

    /** The keywords understood; the annotations among them change nothing. */
    static final Set<String> SUPPORTED = Set.of("$schema", "$id", "$comment", "title", "description", "examples",
            "default", "deprecated", "readOnly", "writeOnly", SchemaCatalog.ERROR_MESSAGE_KEYWORD, "$defs",
            "type", "properties", "required", "additionalProperties", "pattern", "minLength", "maxLength",
            "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum", "const",
            "if", "then", "else", "allOf", "anyOf", "oneOf", "not", "items", "minItems", "maxItems", "$ref");
    private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

    private static final int OBJECT = 1;
    private static final int ARRAY = 2;
    private static final int STRING = 4;
    private static final int INTEGER = 8;
    private static final int NUMBER = 16;
    private static final int BOOLEAN = 32;
    private static final int NULL = 64;
    private static final int ANY_TYPE = -1;

    /** Longer numbers are left to the tree parser, whose conversion limits (1000 digits) they may hit. */
    private static final int MAX_NUMBER_TEXT = 100;
    /** Longer strings are left to the tree parser, whose string length limit they may approach. */
    private static final int MAX_STRING_CHARS = 1_000_000;
    /** In-place applicators ($ref, allOf, if, …) a schema may fan out into before it is left to networknt. */
    private static final int MAX_CLOSURE = 64;

    /**
     * A parse or limit problem: the tree parser may refuse the input or read it differently, so the whole payload is
     * left to it. Preallocated: it is control flow, not an error.
     */
    private static final IOException GIVE_UP = new IOException("left to the tree parser") {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    private final Node root;

    private StreamingSchema(Node root) {
        this.root = root;
    }

    /**
     * @param schema    the schema's tree, as networknt compiled it
     * @param catalogue the trees of the catalogue's schemas by id ({@code urn:pharmabridge:schema:*}), or null
     * @return the compiled schema, or {@code null} when it (or anything it references) uses a keyword or form this
     * class does not support
     */
    static StreamingSchema compile(JsonNode schema, Function<String, JsonNode> catalogue) {
        JsonNode id = schema.get("$id");
        if (id != null && id.isTextual() && id.textValue().startsWith(SchemaCatalog.ID_PREFIX)
                && (catalogue == null || catalogue.apply(id.textValue()) != schema)) {
            return null; // a file posing as a catalogue schema: which one a reference means is networknt's call
        }
        try {
            Compiler compiler = new Compiler(catalogue);
            Node root = compiler.node(schema, schema, true);
            compiler.closeAll();
            return new StreamingSchema(root);
        } catch (RuntimeException e) {
            return null; // Unsupported, or a form networknt accepted that this class cannot read: leave it there
        }
    }

    /**
     * Checks the JSON value in {@code bytes[offset, offset + length)}.
     *
     * @param capture receives the root object's string (or number, as written) values of these field names, in
     *                the same order; untouched unless the answer is VALID
     * @return {@link #VALID}, {@link #INVALID} or {@link #UNSURE}
     */
    byte check(byte[] bytes, int offset, int length, String[] captureNames, String[] capture) {
        try {
            // Empty, not JSON, or followed by more than white space (which the tree parser ignores): the tree path's.
            JsonCursor cursor = new JsonCursor(bytes, offset, length);
            cursor.next();
            byte outcome = evaluate(cursor, new Node[]{root}, captureNames, capture)[0];
            return cursor.next() == JsonCursor.END ? outcome : UNSURE;
        } catch (IOException | RuntimeException e) {
            return UNSURE;
        }
    }

    /**
     * As {@link #check}, on a cursor standing on the first token of the value inside a larger document (the envelope
     * being decoded); leaves it on the value's last token whatever the answer.
     *
     * @throws JsonCursor.Malformed when the value is not valid JSON: the document is refused as a whole
     */
    byte checkInPlace(JsonCursor cursor, String[] captureNames, String[] capture) {
        byte first = cursor.token();
        int outside = first == JsonCursor.START_OBJECT || first == JsonCursor.START_ARRAY ? cursor.depth() - 1 : -1;
        try {
            return evaluate(cursor, new Node[]{root}, captureNames, capture)[0];
        } catch (JsonCursor.Malformed notJson) {
            throw notJson;
        } catch (IOException | RuntimeException gaveUp) {
            // Left for the tree path: step over the rest of the value, still checking it is JSON.
            while (cursor.depth() > outside && outside >= 0) {
                cursor.next();
            }
            return UNSURE;
        }
    }

    /** Evaluates the value starting at the cursor's current token against each target; one outcome per target. */
    private static byte[] evaluate(JsonCursor cursor, Node[] targets, String[] captureNames, String[] capture)
            throws IOException {
        Entry[] flat;
        if (targets.length == 1) {
            flat = targets[0].closure;
        } else {
            int size = 0;
            for (Node target : targets) {
                size += target.closure.length;
            }
            flat = new Entry[size];
            int at = 0;
            for (Node target : targets) {
                System.arraycopy(target.closure, 0, flat, at, target.closure.length);
                at += target.closure.length;
            }
        }
        byte[] local = new byte[flat.length];
        byte token = cursor.token();
        if (token == JsonCursor.START_OBJECT) {
            object(cursor, flat, local, captureNames, capture);
        } else if (token == JsonCursor.START_ARRAY) {
            array(cursor, flat, local);
        } else {
            scalar(cursor, token, flat, local);
        }
        byte[] outcomes = new byte[targets.length];
        int base = 0;
        for (int i = 0; i < targets.length; i++) {
            outcomes[i] = combine(targets[i].closure, local, base, 0);
            base += targets[i].closure.length;
        }
        return outcomes;
    }

    private static void object(JsonCursor cursor, Entry[] flat, byte[] local, String[] captureNames, String[] capture)
            throws IOException {
        long[] seen = null;
        for (int k = 0; k < flat.length; k++) {
            Node node = flat[k].node;
            local[k] = node.start(OBJECT);
            if (node.required != null && seen == null) {
                seen = new long[flat.length];
            }
        }
        Node[] children = new Node[flat.length];
        int[] owners = new int[flat.length];
        FieldNames names = new FieldNames();
        while (cursor.next() == JsonCursor.FIELD_NAME) {
            String name = cursor.name();
            // Names compared by hash first (Strings keep theirs): comparing texts was a tenth of a check's time.
            int hash = name.hashCode();
            names.addOrGiveUp(name, hash);
            byte value = cursor.next();
            if (capture != null) {
                for (int i = 0; i < captureNames.length; i++) {
                    if (captureNames[i].hashCode() == hash && captureNames[i].equals(name)) {
                        capture[i] = value == JsonCursor.STRING || value == JsonCursor.INTEGER
                                || value == JsonCursor.FLOAT ? cursor.text() : null;
                    }
                }
            }
            int count = 0;
            for (int k = 0; k < flat.length; k++) {
                Node node = flat[k].node;
                if (local[k] == INVALID) {
                    continue;
                }
                if (node.required != null) {
                    for (int r = 0; r < node.required.length; r++) {
                        if (node.required[r].hashCode() == hash && node.required[r].equals(name)) {
                            seen[k] |= 1L << r;
                        }
                    }
                }
                Node child = node.properties == null ? null : node.properties.get(name);
                if (child == null) {
                    child = node.additionalProperties;
                }
                if (child == null || child.alwaysValid) {
                    continue;
                }
                if (child.alwaysInvalid) {
                    local[k] = INVALID;
                    continue;
                }
                children[count] = child;
                owners[count++] = k;
            }
            if (count == 0) {
                skip(cursor);
            } else {
                Node[] targets = count == children.length ? children : java.util.Arrays.copyOf(children, count);
                byte[] outcomes = evaluate(cursor, targets, null, null);
                for (int i = 0; i < count; i++) {
                    local[owners[i]] = and(local[owners[i]], outcomes[i]);
                }
            }
        }
        if (seen != null) {
            for (int k = 0; k < flat.length; k++) {
                String[] required = flat[k].node.required;
                if (required != null && seen[k] != (required.length == 64 ? -1L : (1L << required.length) - 1)) {
                    local[k] = INVALID;
                }
            }
        }
    }

    /**
     * The names of one object so far. A repeated name is left to the tree path (where the last one wins): checked
     * here rather than by Jackson's duplicate detection, whose per-object hash set cost more than the check itself.
     */
    private static final class FieldNames {
        private static final int SCAN_LIMIT = 16;
        private String[] names = new String[8];
        /** The names' hashes, compared first: the cursor's cached names carry theirs, so no text is compared. */
        private int[] hashes = new int[8];
        private int size;
        private java.util.HashSet<String> many;

        void addOrGiveUp(String name, int hash) throws IOException {
            if (many != null) {
                if (!many.add(name)) {
                    throw GIVE_UP;
                }
                return;
            }
            for (int i = 0; i < size; i++) {
                if (hashes[i] == hash && names[i].equals(name)) {
                    throw GIVE_UP;
                }
            }
            if (size == SCAN_LIMIT) {
                many = new java.util.HashSet<>(java.util.Arrays.asList(names).subList(0, size));
                many.add(name);
                return;
            }
            if (size == names.length) {
                names = java.util.Arrays.copyOf(names, SCAN_LIMIT);
                hashes = java.util.Arrays.copyOf(hashes, SCAN_LIMIT);
            }
            hashes[size] = hash;
            names[size++] = name;
        }
    }

    private static void array(JsonCursor cursor, Entry[] flat, byte[] local) throws IOException {
        for (int k = 0; k < flat.length; k++) {
            local[k] = flat[k].node.start(ARRAY);
        }
        Node[] children = new Node[flat.length];
        int[] owners = new int[flat.length];
        int size = 0;
        while (cursor.next() != JsonCursor.END_ARRAY) {
            size++;
            int count = 0;
            for (int k = 0; k < flat.length; k++) {
                Node items = flat[k].node.items;
                if (local[k] == INVALID || items == null || items.alwaysValid) {
                    continue;
                }
                if (items.alwaysInvalid) {
                    local[k] = INVALID;
                    continue;
                }
                children[count] = items;
                owners[count++] = k;
            }
            if (count == 0) {
                skip(cursor);
            } else {
                Node[] targets = count == children.length ? children : java.util.Arrays.copyOf(children, count);
                byte[] outcomes = evaluate(cursor, targets, null, null);
                for (int i = 0; i < count; i++) {
                    local[owners[i]] = and(local[owners[i]], outcomes[i]);
                }
            }
        }
        for (int k = 0; k < flat.length; k++) {
            Node node = flat[k].node;
            if (node.minItems > size || (node.maxItems >= 0 && size > node.maxItems)) {
                local[k] = INVALID;
            }
        }
    }

    private static void scalar(JsonCursor cursor, byte token, Entry[] flat, byte[] local) throws IOException {
        Value value = new Value(cursor, token);
        for (int k = 0; k < flat.length; k++) {
            local[k] = flat[k].node.checkScalar(value);
        }
    }

    /**
     * Steps over a value no schema looks at (the cursor checks it is JSON in UTF-8), leaving very long strings and
     * numbers to the tree parser as {@link Value} does.
     */
    private static void skip(JsonCursor cursor) throws IOException {
        int depth = 0;
        byte token = cursor.token();
        while (true) {
            switch (token) {
                case JsonCursor.START_OBJECT, JsonCursor.START_ARRAY -> depth++;
                case JsonCursor.END_OBJECT, JsonCursor.END_ARRAY -> depth--;
                case JsonCursor.STRING -> {
                    if (cursor.rawTextLength() > MAX_STRING_CHARS) {
                        throw GIVE_UP;
                    }
                }
                case JsonCursor.INTEGER, JsonCursor.FLOAT -> {
                    if (cursor.tokenEnd() - cursor.tokenStart() > MAX_NUMBER_TEXT) {
                        throw GIVE_UP;
                    }
                }
                default -> {
                }
            }
            if (depth == 0) {
                return;
            }
            token = cursor.next();
        }
    }

    /** The outcome of the closure entry {@code k}: its own keywords and its in-place applicators. */
    private static byte combine(Entry[] closure, byte[] local, int base, int k) {
        Entry entry = closure[k];
        byte outcome = local[base + k];
        if (outcome == INVALID) {
            return INVALID;
        }
        if (entry.ref >= 0) {
            outcome = and(outcome, combine(closure, local, base, entry.ref));
        }
        if (entry.allOf != null) {
            for (int i : entry.allOf) {
                outcome = and(outcome, combine(closure, local, base, i));
            }
        }
        if (entry.anyOf != null) {
            byte any = INVALID;
            for (int i : entry.anyOf) {
                byte one = combine(closure, local, base, i);
                if (one == VALID) {
                    any = VALID;
                    break;
                }
                if (one == UNSURE) {
                    any = UNSURE;
                }
            }
            outcome = and(outcome, any);
        }
        if (entry.oneOf != null) {
            int valid = 0;
            int unsure = 0;
            for (int i : entry.oneOf) {
                byte one = combine(closure, local, base, i);
                if (one == VALID) {
                    valid++;
                } else if (one == UNSURE) {
                    unsure++;
                }
            }
            byte exactlyOne = valid > 1 ? INVALID : unsure > 0 ? UNSURE : valid == 1 ? VALID : INVALID;
            outcome = and(outcome, exactlyOne);
        }
        if (entry.not >= 0) {
            byte inner = combine(closure, local, base, entry.not);
            outcome = and(outcome, inner == VALID ? INVALID : inner == INVALID ? VALID : UNSURE);
        }
        if (entry.condition >= 0) {
            byte condition = combine(closure, local, base, entry.condition);
            byte then = entry.then < 0 ? VALID : combine(closure, local, base, entry.then);
            byte otherwise = entry.otherwise < 0 ? VALID : combine(closure, local, base, entry.otherwise);
            byte branch = condition == VALID ? then : condition == INVALID ? otherwise
                    : then == otherwise ? then : UNSURE;
            outcome = and(outcome, branch);
        }
        return outcome;
    }

    private static byte and(byte a, byte b) {
        return a == INVALID || b == INVALID ? INVALID : a == UNSURE || b == UNSURE ? UNSURE : VALID;
    }

    /** The scalar at the cursor's current token, read lazily (text, double) and at most once. */
    private static final class Value {
        final JsonCursor cursor;
        final int kind;
        private double number;
        private boolean numberRead;

        Value(JsonCursor cursor, byte token) throws IOException {
            this.cursor = cursor;
            switch (token) {
                case JsonCursor.STRING -> {
                    kind = STRING;
                    // Bytes as written are at least as many as the characters they decode to.
                    if (cursor.rawTextLength() > MAX_STRING_CHARS) {
                        throw GIVE_UP;
                    }
                }
                case JsonCursor.INTEGER, JsonCursor.FLOAT -> {
                    kind = token == JsonCursor.INTEGER ? INTEGER : NUMBER;
                    if (cursor.tokenEnd() - cursor.tokenStart() > MAX_NUMBER_TEXT) {
                        throw GIVE_UP;
                    }
                    // Only an exponent can overflow a double here; how networknt compares an Infinity (it accepts
                    // 1e400 as a number) is left to it.
                    if (kind == NUMBER && cursor.hasExponent() && !Double.isFinite(doubleValue())) {
                        throw GIVE_UP;
                    }
                }
                case JsonCursor.TRUE, JsonCursor.FALSE -> kind = BOOLEAN;
                case JsonCursor.NULL -> kind = NULL;
                default -> throw GIVE_UP;
            }
        }

        String string() {
            return cursor.text(); // decoded once by the cursor
        }

        double doubleValue() {
            if (!numberRead) {
                number = cursor.doubleValue();
                numberRead = true;
            }
            return number;
        }
    }

    /** A numeric bound as networknt reads it: the schema node's text as a BigDecimal. */
    private record Bound(BigDecimal value, boolean exclusive, boolean lower, boolean integerTyped, boolean fitsLong,
                         long longValue, double doubleValue) {
        static Bound of(JsonNode node, boolean exclusive, boolean lower, boolean integerTyped) {
            if (!node.isNumber() || (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue()))) {
                throw new Unsupported();
            }
            BigDecimal value = new BigDecimal(node.asText());
            boolean fitsLong;
            long longValue = 0;
            try {
                longValue = value.longValueExact();
                fitsLong = true;
            } catch (ArithmeticException e) {
                fitsLong = false;
            }
            // networknt compares an "integer"-typed bound given as a whole number with long arithmetic
            boolean typed = integerTyped && (node.isInt() || node.isLong());
            return new Bound(value, exclusive, lower, typed, fitsLong, longValue, value.doubleValue());
        }

        /** VALID when the value is within this bound, INVALID when outside, UNSURE when rounding could decide. */
        byte check(Value number) throws IOException {
            int sign; // value compared to the bound
            if (number.kind == INTEGER) {
                JsonCursor cursor = number.cursor;
                if (cursor.integerSize() == JsonCursor.BIG) {
                    sign = new BigDecimal(cursor.bigIntegerValue()).compareTo(value);
                } else if (fitsLong) {
                    sign = Long.compare(cursor.longValue(), longValue);
                } else {
                    sign = BigDecimal.valueOf(cursor.longValue()).compareTo(value);
                }
            } else {
                if (integerTyped) {
                    return UNSURE; // networknt truncates the value to a long there
                }
                // networknt compares the decimal text of the value's double with the bound: a text that rounds to
                // the same double as the bound could fall on either side of it.
                double d = number.doubleValue();
                if (d == doubleValue) {
                    return UNSURE;
                }
                sign = d < doubleValue ? -1 : 1;
            }
            boolean outside = lower ? sign < 0 || (exclusive && sign == 0) : sign > 0 || (exclusive && sign == 0);
            return outside ? INVALID : VALID;
        }
    }

    /** One compiled schema (object or boolean). */
    private static final class Node {
        boolean alwaysValid;
        boolean alwaysInvalid;
        int types = ANY_TYPE;
        Map<String, Node> properties;
        Node additionalProperties;
        String[] required;
        Pattern pattern;
        /**
         * The last text the pattern was found in: the same batch id comes with every message of a batch, and the regex
         * search was 4 % of an event loop's time. Only a text equal to it skips the search. Shared by threads: a
         * stale value only costs a search.
         */
        private volatile String lastFound;

        boolean patternFound(String text) {
            if (text.equals(lastFound)) {
                return true;
            }
            boolean found = pattern.matcher(text).find();
            if (found && text.length() <= 256) {
                lastFound = text;
            }
            return found;
        }
        int minLength = -1;
        int maxLength = -1;
        Bound[] bounds;
        /** Allowed scalar values of enum (or const, as a one-value enum): strings, TRUE, FALSE, NULL, numbers. */
        Set<Object> allowed;
        boolean allowsNumbers;
        boolean hasEnum;
        boolean hasConst;
        Set<Object> constant;
        boolean constantIsNumber;
        Node items;
        int minItems = 0;
        int maxItems = -1;
        Node ref;
        Node[] allOf;
        Node[] anyOf;
        Node[] oneOf;
        Node not;
        Node condition;
        Node then;
        Node otherwise;
        /** This node and every schema applied in place to the same value ($ref, allOf, …), depth first. */
        Entry[] closure;

        /** The type check and value-independent answer for an object or array value. */
        byte start(int kind) {
            if (alwaysInvalid || (types != ANY_TYPE && (types & kind) == 0)) {
                return INVALID;
            }
            // enum/const hold scalars only: an object or array is none of them
            return hasEnum || hasConst ? INVALID : VALID;
        }

        byte checkScalar(Value value) throws IOException {
            if (alwaysInvalid) {
                return INVALID;
            }
            if (alwaysValid) {
                return VALID;
            }
            byte outcome = VALID;
            int kind = value.kind;
            if (types != ANY_TYPE) {
                if (kind == INTEGER) {
                    if ((types & (INTEGER | NUMBER)) == 0) {
                        return INVALID;
                    }
                } else if (kind == NUMBER) {
                    if ((types & NUMBER) == 0) {
                        if ((types & INTEGER) == 0) {
                            return INVALID;
                        }
                        outcome = UNSURE; // 1.0 is an integer to networknt; 1.5 is not
                    }
                } else if ((types & kind) == 0) {
                    return INVALID;
                }
            }
            if (kind == STRING) {
                if (minLength >= 0 || maxLength >= 0) {
                    String text = value.string();
                    int points = text.codePointCount(0, text.length());
                    if (points < minLength || (maxLength >= 0 && points > maxLength)) {
                        return INVALID;
                    }
                }
                if (pattern != null && !patternFound(value.string())) {
                    return INVALID;
                }
            } else if ((kind == INTEGER || kind == NUMBER) && bounds != null) {
                for (Bound bound : bounds) {
                    outcome = and(outcome, bound.check(value));
                    if (outcome == INVALID) {
                        return INVALID;
                    }
                }
            }
            if (hasEnum) {
                outcome = and(outcome, member(allowed, allowsNumbers, value));
            }
            if (hasConst) {
                outcome = and(outcome, member(constant, constantIsNumber, value));
            }
            return outcome;
        }

        private static byte member(Set<Object> values, boolean numbers, Value value) throws IOException {
            return switch (value.kind) {
                case INTEGER, NUMBER -> numbers ? UNSURE : INVALID; // numeric equality is networknt's to judge
                case STRING -> values.contains(value.string()) ? VALID : INVALID;
                case BOOLEAN -> values.contains(value.cursor.token() == JsonCursor.TRUE
                        ? Boolean.TRUE : Boolean.FALSE) ? VALID : INVALID;
                default -> values.contains(NULL_VALUE) ? VALID : INVALID;
            };
        }
    }

    private static final Object NULL_VALUE = new Object();

    /** A node's place in a closure, with the closure positions of its in-place applicators. */
    private static final class Entry {
        final Node node;
        int ref = -1;
        int[] allOf;
        int[] anyOf;
        int[] oneOf;
        int not = -1;
        int condition = -1;
        int then = -1;
        int otherwise = -1;

        Entry(Node node) {
            this.node = node;
        }
    }

    /** Thrown while compiling a schema the streaming path does not cover. */
    private static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    /** Compiles schema trees into nodes, one node per schema object (references may be recursive). */
    private static final class Compiler {
        private final Function<String, JsonNode> catalogue;
        private final Map<JsonNode, Node> compiled = new IdentityHashMap<>();

        Compiler(Function<String, JsonNode> catalogue) {
            this.catalogue = catalogue;
        }

        /**
         * @param schema   the schema object or boolean
         * @param document the root of the document it belongs to, for "#…" references
         * @param isRoot   whether it is that root ($id and $schema are allowed there only)
         */
        Node node(JsonNode schema, JsonNode document, boolean isRoot) {
            Node node = compiled.get(schema);
            if (node != null) {
                return node;
            }
            node = new Node();
            compiled.put(schema, node);
            if (schema.isBoolean()) {
                node.alwaysValid = schema.booleanValue();
                node.alwaysInvalid = !schema.booleanValue();
                return node;
            }
            if (!schema.isObject()) {
                throw new Unsupported();
            }
            boolean anyAssertion = false;
            for (var it = schema.fieldNames(); it.hasNext(); ) {
                String keyword = it.next();
                if (!SUPPORTED.contains(keyword)) {
                    throw new Unsupported();
                }
                anyAssertion |= !isAnnotation(keyword);
            }
            JsonNode dialect = schema.get("$schema");
            if (dialect != null && !(isRoot && dialect.isTextual()
                    && (dialect.textValue().equals(DRAFT_2020_12) || dialect.textValue().equals(DRAFT_2020_12 + "#")))) {
                throw new Unsupported();
            }
            JsonNode id = schema.get("$id");
            if (id != null && (!isRoot || !id.isTextual())) {
                throw new Unsupported(); // an embedded resource would move the base of references
            }
            node.alwaysValid = !anyAssertion;
            if (!anyAssertion) {
                return node;
            }
            types(node, schema.get("type"));
            JsonNode properties = schema.get("properties");
            if (properties != null) {
                if (!properties.isObject()) {
                    throw new Unsupported();
                }
                node.properties = new HashMap<>();
                for (var it = properties.fields(); it.hasNext(); ) {
                    var property = it.next();
                    // Interned as the cursor's names are: a matching name is then the same String
                    node.properties.put(property.getKey().intern(), node(property.getValue(), document, false));
                }
            }
            JsonNode additional = schema.get("additionalProperties");
            if (additional != null) {
                node.additionalProperties = node(additional, document, false);
            }
            JsonNode required = schema.get("required");
            if (required != null) {
                if (!required.isArray() || required.size() > 64) {
                    throw new Unsupported();
                }
                Set<String> names = new HashSet<>();
                for (JsonNode name : required) {
                    if (!name.isTextual()) {
                        throw new Unsupported();
                    }
                    names.add(name.textValue().intern());
                }
                node.required = names.isEmpty() ? null : names.toArray(String[]::new);
            }
            JsonNode pattern = schema.get("pattern");
            if (pattern != null) {
                if (!pattern.isTextual()) {
                    throw new Unsupported();
                }
                // As networknt's default (JDK) regular expressions: "$" means the very end, long property names
                // are shortened, and the pattern is searched for, not matched whole.
                node.pattern = Pattern.compile(RegularExpressions.replaceLongformCharacterProperties(
                        RegularExpressions.replaceDollarAnchors(pattern.textValue())));
            }
            node.minLength = count(schema.get("minLength"), -1);
            node.maxLength = count(schema.get("maxLength"), -1);
            node.minItems = count(schema.get("minItems"), 0);
            node.maxItems = count(schema.get("maxItems"), -1);
            boolean integerTyped = hasIntegerType(schema.get("type"));
            List<Bound> bounds = new ArrayList<>();
            bound(bounds, schema.get("minimum"), false, true, integerTyped);
            bound(bounds, schema.get("exclusiveMinimum"), true, true, integerTyped);
            bound(bounds, schema.get("maximum"), false, false, integerTyped);
            bound(bounds, schema.get("exclusiveMaximum"), true, false, integerTyped);
            node.bounds = bounds.isEmpty() ? null : bounds.toArray(Bound[]::new);
            JsonNode enumeration = schema.get("enum");
            if (enumeration != null) {
                if (!enumeration.isArray()) {
                    throw new Unsupported();
                }
                node.hasEnum = true;
                node.allowed = new HashSet<>();
                for (JsonNode value : enumeration) {
                    node.allowsNumbers |= addScalar(node.allowed, value);
                }
            }
            JsonNode constant = schema.get("const");
            if (constant != null) {
                node.hasConst = true;
                node.constant = new HashSet<>();
                node.constantIsNumber = addScalar(node.constant, constant);
            }
            JsonNode items = schema.get("items");
            if (items != null) {
                node.items = node(items, document, false);
            }
            JsonNode ref = schema.get("$ref");
            if (ref != null) {
                if (!ref.isTextual()) {
                    throw new Unsupported();
                }
                node.ref = reference(ref.textValue(), document);
            }
            node.allOf = list(schema.get("allOf"), document);
            node.anyOf = list(schema.get("anyOf"), document);
            node.oneOf = list(schema.get("oneOf"), document);
            JsonNode not = schema.get("not");
            if (not != null) {
                node.not = node(not, document, false);
            }
            JsonNode condition = schema.get("if");
            if (condition != null) {
                node.condition = node(condition, document, false);
                JsonNode then = schema.get("then");
                JsonNode otherwise = schema.get("else");
                node.then = then == null ? null : node(then, document, false);
                node.otherwise = otherwise == null ? null : node(otherwise, document, false);
            } else if (schema.has("then") || schema.has("else")) {
                throw new Unsupported(); // ignored by networknt without "if"; not worth a case of its own
            }
            return node;
        }

        private static boolean isAnnotation(String keyword) {
            return switch (keyword) {
                case "$schema", "$id", "$comment", "title", "description", "examples", "default", "deprecated",
                     "readOnly", "writeOnly", SchemaCatalog.ERROR_MESSAGE_KEYWORD, "$defs" -> true;
                default -> false;
            };
        }

        private static void types(Node node, JsonNode type) {
            if (type == null) {
                return;
            }
            int types = 0;
            if (type.isTextual()) {
                types = type(type.textValue());
            } else if (type.isArray() && !type.isEmpty()) {
                for (JsonNode one : type) {
                    if (!one.isTextual()) {
                        throw new Unsupported();
                    }
                    types |= type(one.textValue());
                }
            } else {
                throw new Unsupported();
            }
            node.types = types;
        }

        private static int type(String name) {
            return switch (name) {
                case "object" -> OBJECT;
                case "array" -> ARRAY;
                case "string" -> STRING;
                case "integer" -> INTEGER;
                case "number" -> NUMBER;
                case "boolean" -> BOOLEAN;
                case "null" -> NULL;
                default -> throw new Unsupported();
            };
        }

        private static boolean hasIntegerType(JsonNode type) {
            if (type == null) {
                return false;
            }
            if (type.isTextual()) {
                return type.textValue().equals("integer");
            }
            for (JsonNode one : type) {
                if (one.isTextual() && one.textValue().equals("integer")) {
                    return true;
                }
            }
            return false;
        }

        private static int count(JsonNode value, int absent) {
            if (value == null) {
                return absent;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
                throw new Unsupported();
            }
            return value.intValue();
        }

        private static void bound(List<Bound> bounds, JsonNode value, boolean exclusive, boolean lower,
                                  boolean integerTyped) {
            if (value != null) {
                bounds.add(Bound.of(value, exclusive, lower, integerTyped));
            }
        }

        /** @return whether the value is a number (kept out of the set: numeric equality is left to networknt) */
        private static boolean addScalar(Set<Object> values, JsonNode value) {
            if (value.isTextual()) {
                values.add(value.textValue());
            } else if (value.isBoolean()) {
                values.add(value.booleanValue());
            } else if (value.isNull()) {
                values.add(NULL_VALUE);
            } else if (value.isNumber()) {
                return true;
            } else {
                throw new Unsupported();
            }
            return false;
        }

        private Node[] list(JsonNode schemas, JsonNode document) {
            if (schemas == null) {
                return null;
            }
            if (!schemas.isArray() || schemas.isEmpty()) {
                throw new Unsupported();
            }
            Node[] nodes = new Node[schemas.size()];
            for (int i = 0; i < nodes.length; i++) {
                nodes[i] = node(schemas.get(i), document, false);
            }
            return nodes;
        }

        /** "#…" in the same document, or a catalogue id with an optional "#…" fragment; nothing else. */
        private Node reference(String ref, JsonNode document) {
            int hash = ref.indexOf('#');
            String base = hash < 0 ? ref : ref.substring(0, hash);
            String fragment = hash < 0 ? "" : ref.substring(hash + 1);
            JsonNode target = document;
            if (!base.isEmpty()) {
                target = base.startsWith(SchemaCatalog.ID_PREFIX) && catalogue != null ? catalogue.apply(base) : null;
                if (target == null) {
                    throw new Unsupported();
                }
            }
            JsonNode targetDocument = target;
            if (!fragment.isEmpty()) {
                if (!fragment.startsWith("/") || fragment.indexOf('%') >= 0) {
                    throw new Unsupported(); // anchors and percent-encoded pointers are left to networknt
                }
                target = target.at(JsonPointer.compile(fragment));
                if (target.isMissingNode()) {
                    throw new Unsupported();
                }
            }
            return node(target, targetDocument, target == targetDocument);
        }

        /** Works out every node's closure; an in-place cycle ($ref to itself, allOf through itself) is left out. */
        void closeAll() {
            for (Node node : new ArrayList<>(compiled.values())) {
                List<Entry> closure = new ArrayList<>();
                add(closure, node, new ArrayDeque<>());
                node.closure = closure.toArray(Entry[]::new);
            }
        }

        private static int add(List<Entry> closure, Node node, ArrayDeque<Node> path) {
            for (Node on : path) {
                if (on == node) {
                    throw new Unsupported();
                }
            }
            if (closure.size() >= MAX_CLOSURE) {
                throw new Unsupported();
            }
            int index = closure.size();
            Entry entry = new Entry(node);
            closure.add(entry);
            path.push(node);
            if (node.ref != null) {
                entry.ref = add(closure, node.ref, path);
            }
            entry.allOf = addAll(closure, node.allOf, path);
            entry.anyOf = addAll(closure, node.anyOf, path);
            entry.oneOf = addAll(closure, node.oneOf, path);
            if (node.not != null) {
                entry.not = add(closure, node.not, path);
            }
            if (node.condition != null) {
                entry.condition = add(closure, node.condition, path);
                entry.then = node.then == null ? -1 : add(closure, node.then, path);
                entry.otherwise = node.otherwise == null ? -1 : add(closure, node.otherwise, path);
            }
            path.pop();
            return index;
        }

        private static int[] addAll(List<Entry> closure, Node[] nodes, ArrayDeque<Node> path) {
            if (nodes == null) {
                return null;
            }
            int[] indices = new int[nodes.length];
            for (int i = 0; i < nodes.length; i++) {
                indices[i] = add(closure, nodes[i], path);
            }
            return indices;
        }
    }
}
