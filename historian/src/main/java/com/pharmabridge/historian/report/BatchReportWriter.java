package com.pharmabridge.historian.report;

import com.pharmabridge.protocol.oee.Oee;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link BatchRecord} as JSON (for systems) and as one self-contained HTML page (for people): no scripts,
 * no external files, charts as inline SVG, laid out to print.
 */
public final class BatchReportWriter {
    static final int MAX_AUDIT_ROWS = 500;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule().addSerializer(Instant.class, new StdSerializer<>(Instant.class) {
                @Override
                public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                    gen.writeString(value.toString());
                }
            }).addSerializer(Oee.class, new StdSerializer<>(Oee.class) {
                @Override
                public void serialize(Oee oee, JsonGenerator gen, SerializerProvider provider) throws IOException {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("plannedTimeSeconds", oee.plannedTime().toSeconds());
                    out.put("runTimeSeconds", oee.runTime().toSeconds());
                    out.put("idealRatePerMinute", oee.idealRatePerMinute());
                    out.put("totalCount", oee.totalCount());
                    out.put("goodCount", oee.goodCount());
                    out.put("availability", oee.availability());
                    out.put("performance", oee.performance());
                    out.put("quality", oee.quality());
                    out.put("oee", oee.oee());
                    gen.writeObject(out);
                }
            }));

    private BatchReportWriter() {
    }

    public static String json(BatchRecord record) {
        try {
            return JSON.writeValueAsString(record);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the batch record as JSON", e);
        }
    }

    public static String html(BatchRecord r, Instant generatedAt) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Batch record ")
                .append(esc(r.batchId())).append("</title><style>").append(CSS).append("</style></head><body>");
        h.append("<header><h1>Batch record <span class=\"id\">").append(esc(r.batchId())).append("</span></h1>")
                .append("<p class=\"sub\">").append(esc(orDash(r.product()))).append(" &middot; GTIN ")
                .append(esc(orDash(r.gtin()))).append(" &middot; ").append(esc(orDash(r.plant()))).append(" / ")
                .append(esc(orDash(r.line()))).append("</p>")
                .append("<p class=\"meta\">Generated ").append(time(generatedAt))
                .append(" from the historian's append-only records. Status: <b>")
                .append(r.completedAt() != null ? "complete" : r.startedAt() != null ? "in progress" : "no start recorded")
                .append("</b></p></header>");

        section(h, "Summary");
        h.append("<table class=\"kv\">");
        kv(h, "Started", time(r.startedAt()));
        kv(h, "Completed", time(r.completedAt()));
        kv(h, "Duration", r.startedAt() != null && r.completedAt() != null
                ? duration(Duration.between(r.startedAt(), r.completedAt())) : "—");
        kv(h, "Planned quantity", number(r.plannedQuantity()));
        kv(h, "Line output (reported at completion)", number(r.quantity()));
        kv(h, "Rejects (reported at completion)", number(r.rejected()));
        if (r.plannedQuantity() != null && r.quantity() != null && r.plannedQuantity() > 0) {
            kv(h, "Output against plan", percent(r.quantity() / (double) r.plannedQuantity()));
        }
        long total = r.recordsByTable().values().stream().mapToLong(Long::longValue).sum();
        kv(h, "Records", total + " (" + String.join(", ", r.recordsByTable().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).toList()) + ")");
        h.append("</table>");

        section(h, "Timeline of batch events");
        table(h, List.of("Time", "Event", "By", "Reason", "Stream seq"), r.timeline().stream().map(e -> List.of(
                time(e.time()), e.event(), orDash(e.by()), orDash(e.reason()), Long.toString(e.streamSeq()))).toList());

        section(h, "Devices that contributed");
        List<String> tables = List.copyOf(r.recordsByTable().keySet());
        List<String> header = new java.util.ArrayList<>(List.of("Device", "Type"));
        header.addAll(tables);
        table(h, header, r.devices().stream().map(d -> {
            List<String> row = new java.util.ArrayList<>(List.of(d.deviceId(), orDash(d.deviceType())));
            tables.forEach(t -> row.add(Long.toString(d.records().getOrDefault(t, 0L))));
            return row;
        }).toList());

        section(h, "Reconciliation");
        if (r.reconciliation().isEmpty()) {
            h.append("<p class=\"none\">No counts were reported at completion.</p>");
        } else {
            table(h, List.of("Device", "Good", "Rejected", "Total", "Yield"), r.reconciliation().entrySet().stream()
                    .map(e -> List.of(e.getKey(), Long.toString(e.getValue().good()), Long.toString(e.getValue().bad()),
                            Long.toString(e.getValue().good() + e.getValue().bad()),
                            e.getValue().good() + e.getValue().bad() == 0 ? "—"
                                    : percent(e.getValue().good() / (double) (e.getValue().good() + e.getValue().bad()))))
                    .toList());
        }

        section(h, "OEE");
        oee(h, r);

        section(h, "Alerts and excursions");
        table(h, List.of("Time", "Alert", "Device", "Severity", "Details"), r.alerts().stream().map(a -> List.of(
                time(a.time()), a.type(), orDash(a.deviceId()), orDash(a.severity()), a.text())).toList());

        section(h, "Quality results");
        table(h, List.of("Inspection", "Pass", "Fail", "Pass rate"), r.qualitySummary().entrySet().stream()
                .map(e -> List.of(e.getKey(), Long.toString(e.getValue().good()), Long.toString(e.getValue().bad()),
                        percent(e.getValue().good() / (double) Math.max(1, e.getValue().good() + e.getValue().bad()))))
                .toList());

        section(h, "Critical process values");
        if (r.charts().isEmpty()) {
            h.append("<p class=\"none\">No readings with declared limits in this batch.</p>");
        }
        for (BatchRecord.Chart chart : r.charts()) {
            Svg.chart(h, chart);
        }

        section(h, "Audit events during the batch");
        List<BatchRecord.AuditLine> audit = r.auditEvents();
        if (audit.size() > MAX_AUDIT_ROWS) {
            h.append("<p>").append(audit.size()).append(" audit records; the first ").append(MAX_AUDIT_ROWS)
                    .append(" are listed. <code>audit verify</code> checks them all.</p>");
        }
        table(h, List.of("Time", "Gateway #", "Actor", "Action", "Outcome", "Details"),
                audit.stream().limit(MAX_AUDIT_ROWS).map(a -> List.of(time(a.time()), a.gatewayId() + " #" + a.seq(),
                        a.actor(), a.action(), a.outcome(), a.detail())).toList());

        section(h, "Gaps and clock-skew flags");
        if (r.findings().isEmpty()) {
            h.append("<p class=\"ok\">None: no device fell silent while running, and no device clock was flagged.</p>");
        } else {
            h.append("<ul>");
            r.findings().forEach(f -> h.append("<li>").append(esc(f)).append("</li>"));
            h.append("</ul>");
        }
        h.append("<footer>PharmaBridge batch record &middot; ").append(esc(r.batchId()))
                .append(" &middot; supports 21 CFR Part 11 / ALCOA+ review; it does not replace the plant's own "
                        + "procedures.</footer></body></html>");
        return h.toString();
    }

    private static void oee(StringBuilder h, BatchRecord r) {
        Oee o = r.oee();
        if (o == null) {
            h.append("<p class=\"none\">Not computable: the batch has no recorded start and completion, or no counting "
                    + "station reported.</p>");
            return;
        }
        h.append("<p>Counting station: <b>").append(esc(orDash(r.oeeStation()))).append("</b></p><table class=\"oee\">")
                .append("<tr><th>Factor</th><th>Formula</th><th>Inputs</th><th>Value</th></tr>");
        h.append("<tr><td>Availability</td><td>run time / planned time</td><td>").append(duration(o.runTime()))
                .append(" / ").append(duration(o.plannedTime())).append("</td><td>").append(percent(o.availability()))
                .append("</td></tr>");
        h.append("<tr><td>Performance</td><td>ideal time for the count / run time</td><td>").append(o.totalCount())
                .append(" units at ").append(o.idealRatePerMinute() == null ? "— (no ideal rate declared)"
                        : String.format(Locale.ROOT, "%.1f", o.idealRatePerMinute()) + "/min")
                .append(" / ").append(duration(o.runTime())).append("</td><td>").append(percent(o.performance()))
                .append("</td></tr>");
        h.append("<tr><td>Quality</td><td>good / total</td><td>").append(o.goodCount()).append(" / ")
                .append(o.totalCount()).append("</td><td>").append(percent(o.quality())).append("</td></tr>");
        h.append("<tr class=\"total\"><td>OEE</td><td>availability &times; performance &times; quality</td><td></td><td>")
                .append(percent(o.oee())).append("</td></tr></table>");
    }

    private static void section(StringBuilder h, String title) {
        h.append("<h2>").append(esc(title)).append("</h2>");
    }

    private static void kv(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value)).append("</td></tr>");
    }

    private static void table(StringBuilder h, List<String> header, List<List<String>> rows) {
        if (rows.isEmpty()) {
            h.append("<p class=\"none\">None recorded.</p>");
            return;
        }
        h.append("<table><thead><tr>");
        header.forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
        h.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            h.append("<tr>");
            row.forEach(c -> h.append("<td>").append(esc(c)).append("</td>"));
            h.append("</tr>");
        }
        h.append("</tbody></table>");
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String time(Instant t) {
        return t == null ? "—" : TIME.format(t);
    }

    private static String duration(Duration d) {
        long s = d.toSeconds();
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
    }

    private static String percent(Double v) {
        return v == null ? "not computable" : String.format(Locale.ROOT, "%.1f %%", v * 100);
    }

    private static String number(Long v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%,d", v);
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "—" : s;
    }

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2733;max-width:1100px;\
            margin:24px auto;padding:0 24px}
            h1{font-size:24px;margin:0}h1 .id{font-family:ui-monospace,Menlo,Consolas,monospace}
            h2{font-size:17px;border-bottom:2px solid #1f5f8b;padding-bottom:3px;margin-top:28px;color:#1f5f8b;\
            break-after:avoid}
            .sub{font-size:16px;margin:4px 0}.meta{color:#5a6672;font-size:12px}
            table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px;break-inside:auto}
            th,td{border:1px solid #c9d2db;padding:4px 8px;text-align:left;vertical-align:top}
            thead th,table.oee th{background:#eef3f7}tr{break-inside:avoid}
            table.kv th{width:32%;background:#f6f8fa;font-weight:600}
            tr.total td{font-weight:700;background:#f6f8fa}
            .none{color:#5a6672;font-style:italic}.ok{color:#1b7f3b}
            figure{margin:10px 0 18px;break-inside:avoid}figcaption{font-size:13px;font-weight:600;margin-bottom:2px}
            svg text{font:11px system-ui,sans-serif;fill:#3a4550}
            footer{margin-top:32px;border-top:1px solid #c9d2db;padding-top:6px;font-size:11px;color:#5a6672}
            @media print{body{margin:0;max-width:none}h2{page-break-after:avoid}}
            """;
}
