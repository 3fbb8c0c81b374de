package com.pharmabridge.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compiles schemas with the networknt JSON Schema validator, once, at start. Shipped schemas live on the class path
 * under {@code /schemas/{name}.schema.json} with the id {@code urn:pharmabridge:schema:{name}}; the batch id rule they
 * share is generated from the configured pattern as {@code urn:pharmabridge:schema:batch-id}, which a schema file may
 * {@code $ref} as well (and the shipped schemas too). Nothing is fetched from the network.
 */
final class SchemaCatalog {
    static final String ID_PREFIX = "urn:pharmabridge:schema:";
    static final String BATCH_ID = ID_PREFIX + "batch-id";
    /** Schemas may give their own messages per keyword: {@code "errorMessage": {"type": "must be a number"}}. */
    static final String ERROR_MESSAGE_KEYWORD = "errorMessage";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final SchemaRegistryConfig CONFIG = SchemaRegistryConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .locale(Locale.ENGLISH)
            .errorMessageKeyword(ERROR_MESSAGE_KEYWORD)
            .build();

    private final SchemaRegistry registry;
    /** The catalogue's schemas as trees, by id, for the streaming compiler (parsed from the same texts). */
    private final Map<String, JsonNode> catalogueTrees = new HashMap<>();

    /** A schema compiled for networknt and, when its keywords allow, for the streaming fast path. */
    record Compiled(Schema schema, StreamingSchema streaming) {
    }

    SchemaCatalog(String batchIdPattern) {
        Map<String, String> builtIn = new HashMap<>();
        for (String name : ValidationConfig.SHIPPED_SCHEMAS) {
            builtIn.put(ID_PREFIX + name, shippedText(name));
        }
        builtIn.put(BATCH_ID, batchIdSchema(batchIdPattern));
        builtIn.forEach((id, text) -> {
            try {
                catalogueTrees.put(id, JSON.readTree(text));
            } catch (IOException e) {
                throw new IllegalStateException("Catalogue schema " + id + " is not JSON", e);
            }
        });
        registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaRegistryConfig(CONFIG)
                        .schemas(builtIn::get)
                        .schemaLoader(loader -> loader.fetchRemoteResources(false)));
    }

    /**
     * @param schema a shipped name or a schema file path
     * @return the compiled schema, every keyword and reference resolved
     * @throws IllegalArgumentException naming the schema when it cannot be read, is not a valid JSON Schema or does not
     *                                  compile
     */
    Schema compile(String schema) {
        if (ValidationConfig.isShipped(schema)) {
            return compileNode(ID_PREFIX + schema, shippedTree(schema), "Shipped schema '" + schema + "'");
        }
        return compileFile(schema).schema();
    }

    /** As {@link #compile}, and also for the streaming fast path when the schema's keywords allow. */
    Compiled compileWithStreaming(String schema) {
        if (ValidationConfig.isShipped(schema)) {
            Schema compiled = compile(schema);
            return new Compiled(compiled, StreamingSchema.compile(catalogueTrees.get(ID_PREFIX + schema),
                    catalogueTrees::get));
        }
        FileSchema file = compileFile(schema);
        return new Compiled(file.schema(), StreamingSchema.compile(file.streamingTree(), catalogueTrees::get));
    }

    private record FileSchema(Schema schema, JsonNode streamingTree) {
    }

    private FileSchema compileFile(String schema) {
        Path file = Path.of(schema);
        String what = "Schema file " + file.toAbsolutePath();
        JsonNode tree;
        try {
            byte[] bytes = Files.readAllBytes(file);
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            tree = (name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON).readTree(bytes);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(what + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " cannot be read as JSON/YAML: " + firstLine(e.getMessage()), e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        // The streaming compiler gets its own copy: networknt keeps the tree it compiled.
        return new FileSchema(compileNode(file.toAbsolutePath().toUri().toString(), tree, what), tree.deepCopy());
    }

    private Schema compileNode(String id, JsonNode tree, String what) {
        if (!tree.isObject() && !tree.isBoolean()) {
            throw new IllegalArgumentException(what + " is not a JSON Schema: expected an object, found "
                    + tree.getNodeType());
        }
        SpecificationVersion version = SpecificationVersion.fromSchemaNode(tree).orElse(SpecificationVersion.DRAFT_2020_12);
        List<Error> wrong;
        try {
            wrong = registry.getSchema(SchemaLocation.of(version.getDialectId())).validate(tree);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + " cannot be checked against its meta-schema: " + e.getMessage(), e);
        }
        if (!wrong.isEmpty()) {
            throw new IllegalArgumentException(what + " is not a valid JSON Schema (" + version.getDialectId() + ") at "
                    + PayloadValidator.describe(wrong.get(0)));
        }
        checkErrorMessages(tree, "", what);
        try {
            Schema compiled = registry.getSchema(SchemaLocation.of(id), tree);
            compiled.initializeValidators();
            return compiled;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + " does not compile: " + firstLine(e.getMessage()), e);
        }
    }

    private static JsonNode shippedTree(String name) {
        try {
            return JSON.readTree(shippedText(name));
        } catch (IOException e) {
            throw new IllegalStateException("Shipped schema " + name + " is not JSON", e);
        }
    }

    private static String shippedText(String name) {
        String resource = "/schemas/" + name + ".schema.json";
        try (InputStream in = SchemaCatalog.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Shipped schema " + resource + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String batchIdSchema(String pattern) {
        ObjectNode schema = JSON.createObjectNode();
        schema.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
        schema.put("$id", BATCH_ID);
        schema.put("title", "Batch id");
        schema.put("type", "string");
        schema.put("pattern", pattern);
        ObjectNode messages = schema.putObject(ERROR_MESSAGE_KEYWORD);
        messages.put("type", "must be a string");
        messages.put("pattern", "is not a batch id (must match " + quoteForMessageFormat(pattern) + ")");
        return schema.toString();
    }

    /** Custom messages are {@link MessageFormat} patterns: braces and apostrophes in plain text must be quoted. */
    static String quoteForMessageFormat(String text) {
        return text.replace("'", "''").replace("{", "'{'").replace("}", "'}'");
    }

    /**
     * The library turns each custom message into a {@link MessageFormat} only when a payload fails; a broken one would
     * then throw instead of refusing the payload. Every {@code errorMessage} text is tried here, at start.
     */
    private static void checkErrorMessages(JsonNode node, String pointer, String what) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                String child = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
                JsonNode value = field.getValue();
                if (field.getKey().equals(ERROR_MESSAGE_KEYWORD)) {
                    if (value.isTextual()) {
                        tryMessage(value.textValue(), child, what);
                    } else if (value.isObject()) {
                        value.fields().forEachRemaining(m -> {
                            if (m.getValue().isTextual()) {
                                tryMessage(m.getValue().textValue(), child + "/" + m.getKey(), what);
                            }
                        });
                    }
                }
                checkErrorMessages(value, child, what);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkErrorMessages(node.get(i), pointer + "/" + i, what);
            }
        }
    }

    private static void tryMessage(String text, String pointer, String what) {
        try {
            new MessageFormat(text, Locale.ENGLISH);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " has an " + ERROR_MESSAGE_KEYWORD + " at " + pointer
                    + " that is not a valid message pattern (" + e.getMessage() + "); quote braces and apostrophes "
                    + "as '{' '}' and ''");
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
