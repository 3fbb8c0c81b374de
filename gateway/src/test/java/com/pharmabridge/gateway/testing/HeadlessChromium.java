package com.pharmabridge.gateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's chromium, headless, for checking pages as a browser renders them: the DOM after rendering, a screenshot
 * and a printout. Started with the flags that keep it off the network (this machine's network is closed).
 */
public final class HeadlessChromium {
    private static final Path BINARY = Path.of("/usr/bin/chromium");

    private HeadlessChromium() {
    }

    /** @throws AssertionError when chromium is missing: {@code scripts/ensure-chromium.sh} installs it */
    public static void requireInstalled() {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("Debian's chromium is needed for this test: run scripts/ensure-chromium.sh");
        }
    }

    /** @return the document as chromium rendered it */
    public static String dumpDom(Path page, Path profile) throws IOException, InterruptedException {
        return run(page, profile, "--dump-dom");
    }

    /** Renders the page into a PNG of the given size. */
    public static void screenshot(Path page, Path profile, Path png, int width, int height)
            throws IOException, InterruptedException {
        run(page, profile, "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars");
    }

    /** Prints the page to PDF, as a person printing the report would. */
    public static void printToPdf(Path page, Path profile, Path pdf) throws IOException, InterruptedException {
        run(page, profile, "--print-to-pdf=" + pdf.toAbsolutePath(), "--no-pdf-header-footer");
    }

    private static String run(Path page, Path profile, String... action) throws IOException, InterruptedException {
        requireInstalled();
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile.toAbsolutePath()));
        command.addAll(List.of(action));
        command.add(page.toUri().toString());
        Path output = Files.createTempFile("chromium-", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(false)
                .redirectOutput(output.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish within 60 s: " + command);
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        if (process.exitValue() != 0) {
            throw new AssertionError("chromium exited with " + process.exitValue() + ": " + command);
        }
        return out;
    }
}
