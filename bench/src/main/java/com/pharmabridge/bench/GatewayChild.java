package com.pharmabridge.bench;

import com.pharmabridge.gateway.GatewayServer;
import com.pharmabridge.gateway.config.ConfigLoader;
import com.pharmabridge.gateway.config.GatewayConfig;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The gateway as the benchmark runs it: its own JVM (so its CPU and heap are its own), started from a config file
 * exactly as {@code pharmabridge-gateway.jar run} would, and answering a few commands on standard input:
 * {@code heap} (full GC, then the heap in use), {@code quit}.
 */
public final class GatewayChild {
    private GatewayChild() {
    }

    public static void main(String[] args) throws Exception {
        GatewayConfig config = ConfigLoader.load(Path.of(args[0]), Map.of());
        GatewayServer server = GatewayServer.start(config);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!server.bridge().isReady() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.out.println("READY " + server.port() + " " + server.bridge().isReady());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "heap" -> {
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                        Thread.sleep(100);
                    }
                    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    System.out.println("HEAP " + used + " " + server.services().sessions().all().size());
                }
                case "sessions" -> System.out.println("SESSIONS " + server.services().sessions().all().size());
                case "quit" -> {
                    server.close();
                    System.out.println("BYE");
                    System.out.flush();
                    System.exit(0);
                }
                default -> System.out.println("? " + line);
            }
            System.out.flush();
        }
        server.close();
        System.exit(0);
    }
}
