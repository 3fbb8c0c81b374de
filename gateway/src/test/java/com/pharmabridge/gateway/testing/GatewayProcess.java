package com.pharmabridge.gateway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The gateway as a separate operating-system process, so a test can kill it with SIGKILL as a crash would. */
public final class GatewayProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private GatewayProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static GatewayProcess start(Path registry, String natsUrl, int port, Map<String, String> environment,
                                       Path log) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "com.pharmabridge.gateway.cli.GatewayCli", "run", "--nats-url", natsUrl, "--registry",
                registry.toString(), "--port", Integer.toString(port)))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        GatewayProcess gateway = new GatewayProcess(builder.start(), port);
        gateway.awaitReady(Duration.ofSeconds(30));
        return gateway;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Gateway process exited with " + process.exitValue());
            }
            try {
                HttpResponse<String> ready = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
        throw new IOException("Gateway process not ready within " + timeout);
    }

    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    /** SIGKILL: no shutdown hook, no drain, no goodbye to devices. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
            kill();
        }
    }
}
