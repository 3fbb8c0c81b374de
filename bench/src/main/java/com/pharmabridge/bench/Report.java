package com.pharmabridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.pharmabridge.bench.Device.Side;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Collects each trial's figures and writes them as a table (Markdown), JSON, and an HTML page with bar charts. */
final class Report {
    /** One scenario with fixed parameters, measured on both sides over several alternating rounds. */
    static final class Row {
        final String scenario;
        final String parameters;
        final String metric;
        final boolean lowerIsBetter;
        final Map<Side, List<Map<String, Double>>> rounds = new LinkedHashMap<>();

        Row(String scenario, String parameters, String metric, boolean lowerIsBetter) {
            this.scenario = scenario;
            this.parameters = parameters;
            this.metric = metric;
            this.lowerIsBetter = lowerIsBetter;
            rounds.put(Side.NATIVE, new ArrayList<>());
            rounds.put(Side.GATEWAY, new ArrayList<>());
        }

        double mean(Side side, String key) {
            List<Map<String, Double>> list = rounds.get(side);
            double sum = 0;
            int n = 0;
            for (Map<String, Double> r : list) {
                Double v = r.get(key);
                if (v != null && !v.isNaN()) {
                    sum += v;
                    n++;
                }
            }
            return n == 0 ? Double.NaN : sum / n;
        }

        double ratio() {
            double g = mean(Side.GATEWAY, metric);
            double n = mean(Side.NATIVE, metric);
            return lowerIsBetter ? n / g : g / n;
        }

        String values(Side side, String key) {
            List<String> parts = new ArrayList<>();
            for (Map<String, Double> r : rounds.get(side)) {
                Double v = r.get(key);
                parts.add(v == null ? "-" : fmt(v));
            }
            return String.join(" / ", parts);
        }
    }

    /** A target of issue 8 and whether this run met it. */
    record Target(String name, String measured, boolean met) {
    }

    final List<Row> rows = new ArrayList<>();
    final List<Target> targets = new ArrayList<>();
    final Map<String, String> machine = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();

    Row row(String scenario, String parameters, String metric, boolean lowerIsBetter) {
        Row row = new Row(scenario, parameters, metric, lowerIsBetter);
        rows.add(row);
        return row;
    }

    Row find(String scenario, String parameters) {
        return rows.stream().filter(r -> r.scenario.equals(scenario) && r.parameters.equals(parameters)).findFirst()
                .orElse(null);
    }

    /** "n/a" where one side was not measured (a {@code --sides} run). */
    static String ratioText(double ratio) {
        return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2f", ratio) : "n/a";
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (a >= 10_000) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| scenario | parameters | metric | native (each round) | gateway (each round) | native mean | gateway mean | ratio | gateway CPU µs/msg | nats-server CPU µs/msg | errors (gw) |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            out.append("| ").append(r.scenario).append(" | ").append(r.parameters).append(" | ").append(r.metric)
                    .append(" | ").append(r.values(Side.NATIVE, r.metric)).append(" | ")
                    .append(r.values(Side.GATEWAY, r.metric)).append(" | ").append(fmt(r.mean(Side.NATIVE, r.metric)))
                    .append(" | ").append(fmt(r.mean(Side.GATEWAY, r.metric))).append(" | ")
                    .append(ratioText(r.ratio())).append(" | ")
                    .append(fmt(r.mean(Side.GATEWAY, "gatewayCpuUsPerMsg"))).append(" | ")
                    .append(fmt(r.mean(Side.GATEWAY, "natsCpuUsPerMsg"))).append(" | ")
                    .append(fmt(r.mean(Side.GATEWAY, "errors"))).append(" |\n");
        }
        if (!targets.isEmpty()) {
            out.append("\n| target | measured | met |\n|---|---|---|\n");
            for (Target t : targets) {
                out.append("| ").append(t.name).append(" | ").append(t.measured).append(" | ")
                        .append(t.met ? "yes" : "**no**").append(" |\n");
            }
        }
        return out.toString();
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder md = new StringBuilder("# PharmaBridge benchmark results\n\n");
        machine.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append('\n').append(markdown());
        if (!notes.isEmpty()) {
            md.append("\nNotes:\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        Files.writeString(dir.resolve("results.md"), md);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", machine);
        List<Map<String, Object>> rowList = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", r.scenario);
            m.put("parameters", r.parameters);
            m.put("metric", r.metric);
            double ratio = r.ratio();
            m.put("ratio", Double.isFinite(ratio) ? ratio : null); // null: one side only
            m.put("native", r.rounds.get(Side.NATIVE));
            m.put("gateway", r.rounds.get(Side.GATEWAY));
            rowList.add(m);
        }
        json.put("rows", rowList);
        json.put("targets", targets);
        json.put("notes", notes);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(), json);
        Files.writeString(dir.resolve("results.html"), html());
    }

    /** One bar pair per row, each side's mean as a share of the larger, with the ratio written beside it. */
    String html() {
        int barWidth = 360;
        int rowHeight = 46;
        int height = rows.size() * rowHeight + 40;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns='http://www.w3.org/2000/svg' width='980' height='").append(height)
                .append("' font-family='sans-serif' font-size='12'>");
        svg.append("<rect x='330' y='6' width='12' height='12' fill='#888'/><text x='346' y='16'>native nats-server")
                .append("</text><rect x='480' y='6' width='12' height='12' fill='#1f77b4'/><text x='496' y='16'>")
                .append("PharmaBridge gateway</text>");
        int y = 30;
        for (Row r : rows) {
            double n = r.mean(Side.NATIVE, r.metric);
            double g = r.mean(Side.GATEWAY, r.metric);
            double max = Math.max(Double.isNaN(n) ? 0 : n, Double.isNaN(g) ? 0 : g);
            svg.append("<text x='4' y='").append(y + 13).append("'>").append(esc(r.scenario)).append("</text>");
            svg.append("<text x='4' y='").append(y + 29).append("' fill='#555'>").append(esc(r.parameters))
                    .append("</text>");
            int wn = max <= 0 || Double.isNaN(n) ? 0 : (int) (barWidth * n / max);
            int wg = max <= 0 || Double.isNaN(g) ? 0 : (int) (barWidth * g / max);
            svg.append("<rect x='330' y='").append(y).append("' width='").append(wn).append("' height='16' fill='#888'/>");
            svg.append("<text x='").append(335 + wn).append("' y='").append(y + 13).append("'>").append(fmt(n))
                    .append(' ').append(esc(r.metric)).append("</text>");
            svg.append("<rect x='330' y='").append(y + 18).append("' width='").append(wg)
                    .append("' height='16' fill='#1f77b4'/>");
            svg.append("<text x='").append(335 + wg).append("' y='").append(y + 31).append("'>").append(fmt(g))
                    .append(" (ratio ").append(ratioText(r.ratio())).append(")</text>");
            y += rowHeight;
        }
        svg.append("</svg>");
        StringBuilder page = new StringBuilder("<!doctype html><html><head><meta charset='utf-8'><title>PharmaBridge ")
                .append("benchmark</title><style>body{font-family:sans-serif;margin:24px}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px}</style></head><body>")
                .append("<h1>PharmaBridge gateway vs native nats-server</h1><ul>");
        machine.forEach((k, v) -> page.append("<li>").append(esc(k)).append(": ").append(esc(v)).append("</li>"));
        page.append("</ul><p>Bars: mean of the rounds; ratio = gateway / native (for latency native / gateway: ")
                .append("above 1 means the gateway is better).</p>").append(svg);
        if (!targets.isEmpty()) {
            page.append("<h2>Targets</h2><table><tr><th>target</th><th>measured</th><th>met</th></tr>");
            for (Target t : targets) {
                page.append("<tr><td>").append(esc(t.name)).append("</td><td>").append(esc(t.measured))
                        .append("</td><td>").append(t.met ? "yes" : "<b>no</b>").append("</td></tr>");
            }
            page.append("</table>");
        }
        page.append("</body></html>\n");
        return page.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }
}
