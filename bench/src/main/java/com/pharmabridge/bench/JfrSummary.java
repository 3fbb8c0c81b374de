package com.pharmabridge.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Where a JFR recording's CPU samples went: by thread group, by top frame, and by component (the first frame of a
 * known library or of the gateway found walking down from the top), so a profile can be read without a GUI.
 */
@Command(name = "jfr-summary", mixinStandardHelpOptions = true,
        description = "Summarise the execution samples of a JFR recording (threads, components, hottest methods).")
public final class JfrSummary implements Callable<Integer> {
    @Parameters(index = "0", description = "The .jfr file")
    Path file;

    @Option(names = "--top", defaultValue = "25")
    int top;

    @Option(names = "--thread", description = "Only threads whose name contains this text.")
    String threadFilter;

    @Option(names = "--from", description = "Only samples this many seconds or more after the recording's first one.")
    Double fromSeconds;

    @Option(names = "--to", description = "Only samples less than this many seconds after the recording's first one.")
    Double toSeconds;

    @Option(names = "--timeline", description = "Also print the samples of each second (to find a scenario's window).")
    boolean timeline;

    private static final List<String[]> COMPONENTS = List.of(
            new String[]{"com.networknt.schema", "JSON Schema validation (networknt)"},
            new String[]{"com.fasterxml.jackson.databind", "Jackson databind (trees)"},
            new String[]{"com.fasterxml.jackson.core", "Jackson streaming parser"},
            new String[]{"io.nats.client", "jnats"},
            new String[]{"io.netty.handler.codec.http.websocketx", "Netty WebSocket codec"},
            new String[]{"io.netty", "Netty (I/O, buffers, event loop)"},
            new String[]{"io.vertx", "Vert.x"},
            new String[]{"io.micrometer", "Micrometer"},
            new String[]{"sun.security.provider", "SHA-256 (JDK)"},
            new String[]{"java.security", "SHA-256 (JDK)"},
            new String[]{"ch.qos.logback", "logging"},
            new String[]{"org.slf4j", "logging"},
            new String[]{"com.pharmabridge.protocol.JsonCursor", "JSON cursor (envelope and payload tokens)"},
            new String[]{"com.pharmabridge.gateway.validation.StreamingSchema", "streaming schema check"},
            new String[]{"com.pharmabridge", "gateway code"},
            new String[]{"java.time", "java.time"},
            new String[]{"sun.nio", "JDK NIO"},
            new String[]{"java.util.concurrent", "JDK concurrency"});

    @Override
    public Integer call() throws Exception {
        Map<String, Integer> byThread = new HashMap<>();
        Map<String, Integer> byTop = new HashMap<>();
        Map<String, Integer> byComponent = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<Long, Integer> perSecond = new java.util.TreeMap<>();
        int total = 0;
        List<RecordedEvent> samples = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("jdk.ExecutionSample")).toList();
        // Chunks are not in time order: the window is measured from the earliest sample.
        java.time.Instant first = samples.stream().map(RecordedEvent::getStartTime).min(java.util.Comparator.naturalOrder())
                .orElse(java.time.Instant.EPOCH);
        for (RecordedEvent event : samples) {
            String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
            if (threadFilter != null && (thread == null || !thread.contains(threadFilter))) {
                continue;
            }
            double at = java.time.Duration.between(first, event.getStartTime()).toNanos() / 1e9;
            if ((fromSeconds != null && at < fromSeconds) || (toSeconds != null && at >= toSeconds)) {
                continue;
            }
            perSecond.merge((long) at, 1, Integer::sum);
            total++;
            byThread.merge(group(thread), 1, Integer::sum);
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = stack.getFrames();
            byTop.merge(name(frames.get(0)), 1, Integer::sum);
            String component = "other (JDK, JIT'd glue)";
            for (RecordedFrame f : frames) {
                String type = f.getMethod().getType().getName();
                String c = component(type);
                if (c != null) {
                    component = c;
                    break;
                }
            }
            byComponent.merge(component, 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (seen.add(n)) {
                    inclusive.merge(n, 1, Integer::sum);
                }
            }
        }
        System.out.println("Execution samples: " + total + (threadFilter == null ? "" : " (threads ~ " + threadFilter + ")")
                + (fromSeconds == null && toSeconds == null ? "" : " between " + (fromSeconds == null ? 0 : fromSeconds)
                + " s and " + (toSeconds == null ? "the end" : toSeconds + " s")));
        if (timeline) {
            System.out.println();
            System.out.println("Samples per second since the first:");
            perSecond.forEach((second, count) -> System.out.printf(Locale.ROOT, "  %4d s  %6d%n", second, count));
        }
        print("By thread", byThread, total, top);
        print("By component (first known frame from the top)", byComponent, total, top);
        print("Hottest methods (self)", byTop, total, top);
        print("Hottest methods (inclusive)", inclusive, total, top);
        return 0;
    }

    private static String group(String thread) {
        if (thread == null) {
            return "?";
        }
        return thread.replaceAll("-\\d+$", "-N").replaceAll("\\d+$", "N");
    }

    private static String component(String type) {
        for (String[] c : COMPONENTS) {
            if (type.startsWith(c[0])) {
                return c[1];
            }
        }
        return null;
    }

    private static String name(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int total, int top) {
        System.out.println();
        System.out.println(title + ":");
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top)
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * v / Math.max(1, total), k));
    }
}
