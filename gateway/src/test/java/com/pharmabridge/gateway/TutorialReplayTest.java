package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.gateway.cli.GatewayCli;
import com.pharmabridge.gateway.config.ConfigLoader;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays docs/tutorial.md against a real gateway and nats-server: its registry commands (```sh blocks, the lines
 * running {@code pharmabridge device …}) through the CLI, then every exchange of its ```ws blocks in document order,
 * one WebSocket connection per terminal: each {@code >} line is sent as written (with {@code $NAME} replaced by what a
 * command printed or an earlier answer held), each {@code <} line must equal the next message that terminal receives,
 * where {@code "…"} stands for any value and {@code "$NAME"} takes the value and remembers it.
 */
class TutorialReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TUTORIAL = Path.of("..", "docs", "tutorial.md");
    private static final Pattern FENCE = Pattern.compile("(?ms)^```(sh|ws)([^\\n]*)\\n(.*?)^```");
    private static final Pattern VARIABLE = Pattern.compile("\\$([A-Z][A-Z0-9_]*)");

    private record Step(String terminal, boolean send, String text, int line) {
    }

    /** Verifies that a reader following the tutorial gets every answer it shows. */
    @Test
    void everyExchangeOfTheTutorialHappensAsShown(@TempDir Path tmp) throws Exception {
        String doc = Files.readString(TUTORIAL, StandardCharsets.UTF_8);
        Map<String, String> variables = new HashMap<>();
        Path registry = tmp.resolve("devices.yaml");
        List<Step> steps = new ArrayList<>();
        int commands = 0;
        Matcher fence = FENCE.matcher(doc);
        while (fence.find()) {
            int line = lineOf(doc, fence.start(3));
            if (fence.group(1).equals("sh")) {
                for (String command : joinContinuations(fence.group(3))) {
                    commands += runDeviceCommand(command, registry, variables) ? 1 : 0;
                }
                continue;
            }
            String terminal = fence.group(2).trim();
            assertThat(terminal).as("a ws block names its terminal (line %d)", line).isNotEmpty();
            String[] lines = fence.group(3).split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].startsWith("> ") || lines[i].startsWith("< ")) {
                    steps.add(new Step(terminal, lines[i].startsWith(">"), lines[i].substring(2), line + i));
                }
            }
        }
        assertThat(commands).as("registry commands run").isEqualTo(4);
        assertThat(variables).containsKeys("SEALER_TOKEN", "HMI_TOKEN");
        assertThat(steps.stream().filter(s -> !s.send())).hasSizeGreaterThanOrEqualTo(14);

        Map<String, WsDevice> terminals = new LinkedHashMap<>();
        try (NatsFixture nats = NatsFixture.start();
             GatewayServer gateway = GatewayServer.start(ConfigLoader.load(null, Map.of(
                     "NATS_URL", nats.url(), "GATEWAY_PORT", "0", "GATEWAY_ID", "gw-tutorial",
                     "DEVICES_REGISTRY_FILE", registry.toString())))) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(gateway.bridge()::isReady);
            URI ws = URI.create("ws://127.0.0.1:" + gateway.port() + "/ws");
            for (Step step : steps) {
                WsDevice terminal = terminals.get(step.terminal());
                if (terminal == null) {
                    terminal = WsDevice.connect(ws);
                    terminals.put(step.terminal(), terminal);
                }
                if (step.send()) {
                    terminal.send(substitute(step.text(), variables, step));
                } else {
                    JsonNode received = terminal.await(m -> true);
                    JsonNode expected = JSON.readTree(step.text());
                    List<String> problems = new ArrayList<>();
                    match(expected, received, "", variables, problems);
                    assertThat(problems).as("docs/tutorial.md line %d, terminal %s: expected %s%n  received %s",
                            step.line(), step.terminal(), step.text(), received).isEmpty();
                }
            }
        } finally {
            terminals.values().forEach(WsDevice::close);
        }
    }

    /** Runs {@code pharmabridge device …} (or {@code NAME=$(pharmabridge device …)}) on the test's registry. */
    private static boolean runDeviceCommand(String command, Path registry, Map<String, String> variables)
            throws Exception {
        Matcher assignment = Pattern.compile("^([A-Z_]+)=\\$\\((.*)\\)$").matcher(command.trim());
        String variable = assignment.matches() ? assignment.group(1) : null;
        List<String> words = shellWords(variable == null ? command.trim() : assignment.group(2));
        if (words.size() < 2 || !words.get(0).equals("pharmabridge") || !words.get(1).equals("device")) {
            return false;
        }
        List<String> args = new ArrayList<>(words.subList(1, words.size()));
        int index = args.indexOf("--registry");
        args.set(index + 1, registry.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = GatewayCli.commandLine().setErr(new PrintWriter(new StringWriter()))
                    .execute(args.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
        }
        assertThat(exit).as(command).isZero();
        if (variable != null) {
            variables.put(variable, out.toString(StandardCharsets.UTF_8).trim());
        }
        return true;
    }

    private static String substitute(String text, Map<String, String> variables, Step step) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            assertThat(value).as("docs/tutorial.md line %d uses $%s before it is known", step.line(), m.group(1))
                    .isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    /** Compares JSON: "…" matches any value, "$NAME" any value it then remembers (or the one remembered). */
    private static void match(JsonNode expected, JsonNode actual, String path, Map<String, String> variables,
                              List<String> problems) {
        if (expected.isTextual() && expected.asText().equals("…")) {
            if (actual == null || actual.isMissingNode()) {
                problems.add(path + ": missing");
            }
            return;
        }
        if (expected.isTextual() && expected.asText().matches("\\$[A-Z][A-Z0-9_]*")) {
            String name = expected.asText().substring(1);
            if (actual == null || !actual.isTextual()) {
                problems.add(path + ": expected a text for $" + name);
            } else if (variables.containsKey(name) && !variables.get(name).equals(actual.asText())) {
                problems.add(path + ": $" + name + " was " + variables.get(name) + ", now " + actual.asText());
            } else {
                variables.put(name, actual.asText());
            }
            return;
        }
        if (actual == null || expected.getNodeType() != actual.getNodeType()) {
            problems.add(path + ": expected " + expected + ", found " + actual);
            return;
        }
        if (expected.isObject()) {
            List<String> names = new ArrayList<>();
            actual.fieldNames().forEachRemaining(names::add);
            for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                names.remove(name);
                match(expected.get(name), actual.get(name), path + "/" + name, variables, problems);
            }
            if (!names.isEmpty()) {
                problems.add(path + ": fields not shown in the tutorial: " + names);
            }
        } else if (expected.isArray()) {
            if (expected.size() != actual.size()) {
                problems.add(path + ": expected " + expected + ", found " + actual);
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                match(expected.get(i), actual.get(i), path + "/" + i, variables, problems);
            }
        } else if (!expected.equals(actual) && !(expected.isNumber() && expected.asDouble() == actual.asDouble())) {
            problems.add(path + ": expected " + expected + ", found " + actual);
        }
    }

    private static List<String> joinContinuations(String block) {
        List<String> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : block.split("\n")) {
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                current.append(line);
                commands.add(current.toString());
                current.setLength(0);
            }
        }
        return commands;
    }

    /** Splits a command line into words: whitespace outside quotes, single and double quotes taken off. */
    private static List<String> shellWords(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char c : command.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
