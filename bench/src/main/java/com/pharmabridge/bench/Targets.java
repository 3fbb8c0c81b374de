package com.pharmabridge.bench;

import com.pharmabridge.bench.Device.Side;

import java.util.Locale;

/** The targets of issue 8, checked against one run's figures. Benchmarks report them; nothing fails on them. */
final class Targets {
    private Targets() {
    }

    static void evaluate(Report report) {
        ratio(report, "ingest", "1000 conns x 1 frames/write", 0.8, "ingest 1,000 conns x 1 frame/write >= 0.8x native");
        ratio(report, "ingest", "1000 conns x 8 frames/write", 0.4, "ingest 1,000 conns x 8 frames/write >= 0.4x native");
        Report.Row ingest = report.find("ingest", "1000 conns x 1 frames/write");
        if (ingest != null) {
            double cpu = ingest.mean(Side.GATEWAY, "gatewayCpuUsPerMsg");
            report.targets.add(new Report.Target("gateway CPU per ingested message <= 2.5 us (1,000 x 1)",
                    String.format(Locale.ROOT, "%.2f us", cpu), cpu <= 2.5));
        }
        for (Report.Row row : report.rows) {
            if (row.scenario.startsWith("acked")) {
                ratio(report, row.scenario, row.parameters, 0.8, "acked JetStream ingest >= 0.8x direct jnats publishAsync ("
                        + row.parameters + ")");
            } else if (row.scenario.startsWith("delivery")) {
                ratio(report, row.scenario, row.parameters, 0.8, "delivery >= 0.8x native (" + row.parameters + ")");
            } else if (row.scenario.startsWith("latency")) {
                double g = row.mean(Side.GATEWAY, "p99Ms");
                double n = row.mean(Side.NATIVE, "p99Ms");
                report.targets.add(new Report.Target("p99 <= 2 ms and <= native + 1 ms (" + row.parameters + ")",
                        String.format(Locale.ROOT, "gateway p99 %.2f ms, native p99 %.2f ms", g, n), g <= 2 && g <= n + 1));
            } else if (row.scenario.startsWith("connections")) {
                double heap = row.mean(Side.GATEWAY, "heapBytesPerConn");
                report.targets.add(new Report.Target("heap per idle authenticated connection <= 8 KiB (" + row.parameters
                        + ")", String.format(Locale.ROOT, "%.0f bytes (%.1f KiB)", heap, heap / 1024), heap <= 8192));
                double logins = row.mean(Side.GATEWAY, "loginsPerSec");
                report.targets.add(new Report.Target(">= 10,000 logins/s in a reconnect storm (" + row.parameters + ")",
                        String.format(Locale.ROOT, "%.0f logins/s", logins), logins >= 10_000));
                double connected = row.mean(Side.GATEWAY, "connected");
                if (row.parameters.startsWith("50000")) {
                    report.targets.add(new Report.Target("50,000 concurrent devices on one gateway",
                            String.format(Locale.ROOT, "%.0f connected", connected), connected >= 50_000));
                }
            }
        }
        Report.Row burst = report.find("ingest", "1000 conns x 8 frames/write");
        if (burst != null) {
            double rate = burst.mean(Side.GATEWAY, "msgsPerSec");
            double rss = burst.mean(Side.GATEWAY, "peakRssMiB");
            double small = report.find("ingest", "1000 conns x 1 frames/write") == null ? 0
                    : report.find("ingest", "1000 conns x 1 frames/write").mean(Side.GATEWAY, "msgsPerSec");
            report.targets.add(new Report.Target("1,000 conns x 8 frames/write burst: no collapse, bounded memory",
                    String.format(Locale.ROOT, "%.0f msgs/s (1 frame/write: %.0f), peak gateway RSS %.0f MiB", rate, small,
                            rss), rate > 0.5 * small && rss < 4096));
        }
    }

    private static void ratio(Report report, String scenario, String parameters, double target, String name) {
        Report.Row row = report.find(scenario, parameters);
        if (row != null) {
            double r = row.ratio();
            report.targets.add(new Report.Target(name, String.format(Locale.ROOT, "%.2fx (%s vs %s msgs/s)", r,
                    Report.fmt(row.mean(Side.GATEWAY, row.metric)), Report.fmt(row.mean(Side.NATIVE, row.metric))),
                    r >= target));
        }
    }
}
