package com.pharmabridge.demo.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the browser scripts of {@code src/test/ui} with Node.js. Their one dependency, playwright-core (no browser
 * download: it drives Debian's {@code /usr/bin/chromium}), is installed from the npm registry into
 * {@code target/ui-test} with {@code npm ci} from the committed package.json and package-lock.json, once per build.
 */
final class BrowserScripts {
    private static final Path SOURCES = Path.of("src/test/ui");
    private static final Path WORK = Path.of("target/ui-test");

    private BrowserScripts() {
    }

    /** @throws AssertionError naming what is missing (chromium, Node.js) or what npm said */
    static Path installed() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            throw new AssertionError("Debian's chromium is needed for this test: run scripts/ensure-chromium.sh");
        }
        Files.createDirectories(WORK);
        boolean changed = false;
        for (String file : List.of("package.json", "package-lock.json")) {
            Path target = WORK.resolve(file);
            byte[] wanted = Files.readAllBytes(SOURCES.resolve(file));
            if (!Files.exists(target) || !java.util.Arrays.equals(Files.readAllBytes(target), wanted)) {
                Files.write(target, wanted);
                changed = true;
            }
        }
        try (var scripts = Files.list(SOURCES)) {
            for (Path script : scripts.filter(p -> p.toString().endsWith(".mjs")).toList()) {
                Files.copy(script, WORK.resolve(script.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (changed || !Files.isDirectory(WORK.resolve("node_modules/playwright-core"))) {
            Result npm = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), Map.of(), 300);
            if (npm.exit() != 0) {
                throw new AssertionError("npm ci in " + WORK + " failed (" + npm.exit() + "): " + npm.err());
            }
        }
        return WORK;
    }

    record Result(int exit, String out, String err) {
    }

    /** Runs {@code node script} in target/ui-test with the given environment. */
    static Result node(String script, Map<String, String> env, int timeoutSeconds)
            throws IOException, InterruptedException {
        return run(List.of("node", script), env, timeoutSeconds);
    }

    private static Result run(List<String> command, Map<String, String> env, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(WORK.toFile());
        builder.environment().putAll(env);
        builder.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Path out = Files.createTempFile("ui-test-", ".out");
        Path err = Files.createTempFile("ui-test-", ".err");
        Process process;
        try {
            process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError(command.get(0) + " is needed for this test (Node.js 20 and npm): run "
                    + "scripts/ensure-node.sh", e);
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s: "
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return result;
    }
}
