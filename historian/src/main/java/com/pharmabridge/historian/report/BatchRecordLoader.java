package com.pharmabridge.historian.report;

import com.pharmabridge.protocol.oee.Oee;
import com.pharmabridge.protocol.oee.RunningTime;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads a batch's complete record from the historian's tables. */
public final class BatchRecordLoader {
    static final List<String> TABLES = List.of("telemetry", "events", "alerts", "quality", "batch_events");
    static final int MAX_CHART_POINTS = 600;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection db;

    public BatchRecordLoader(Connection db) {
        this.db = db;
    }

    /** One stored record, as the report needs it. */
    private record Row(String table, long streamSeq, Instant time, Instant gatewayTime, String subject, String deviceId,
                       String deviceType, JsonNode payload, String clockSkew) {
        String last() {
            return subject.substring(subject.lastIndexOf('.') + 1);
        }
    }

    /**
     * @return the batch's record, or {@code null} when the historian holds nothing of {@code batchId}
     */
    public BatchRecord load(String batchId) throws SQLException {
        List<Row> rows = new ArrayList<>();
        for (String table : TABLES) {
            rows.addAll(rows(table, batchId));
        }
        if (rows.isEmpty()) {
            return null;
        }
        List<Row> batchEvents = rows.stream().filter(r -> r.table().equals("batch_events")
                && r.subject().startsWith("batch." + batchId + ".")).sorted(Comparator.comparingLong(Row::streamSeq))
                .toList();
        JsonNode start = payloadOf(batchEvents, "start");
        JsonNode complete = payloadOf(batchEvents, "complete");
        Instant startedAt = timeOf(batchEvents, "start");
        Instant completedAt = timeOf(batchEvents, "complete");

        List<BatchRecord.Event> timeline = batchEvents.stream().map(r -> new BatchRecord.Event(r.time(), r.last(),
                text(r.payload(), "operator", r.deviceId()), text(r.payload(), "reason", null), r.streamSeq())).toList();

        Map<String, Long> byTable = new LinkedHashMap<>();
        TABLES.forEach(t -> byTable.put(t, 0L));
        Map<String, Map<String, Long>> perDevice = new TreeMap<>();
        Map<String, String> typeOf = new TreeMap<>();
        for (Row r : rows) {
            byTable.merge(r.table(), 1L, Long::sum);
            String device = r.deviceId() == null ? "(unknown)" : r.deviceId();
            perDevice.computeIfAbsent(device, d -> new LinkedHashMap<>()).merge(r.table(), 1L, Long::sum);
            if (r.deviceType() != null) {
                typeOf.put(device, r.deviceType());
            }
        }
        List<BatchRecord.Device> devices = new ArrayList<>();
        perDevice.forEach((id, counts) -> devices.add(new BatchRecord.Device(id, typeOf.get(id), counts)));

        Map<String, BatchRecord.Counts> reconciliation = new TreeMap<>();
        if (complete != null && complete.path("counters").isObject()) {
            complete.path("counters").fields().forEachRemaining(e -> reconciliation.put(e.getKey(),
                    new BatchRecord.Counts(e.getValue().path("produced").asLong(), e.getValue().path("rejected").asLong())));
        }

        List<BatchRecord.Alert> alerts = rows.stream().filter(r -> r.table().equals("alerts"))
                .sorted(Comparator.comparing(Row::time))
                .map(r -> new BatchRecord.Alert(r.time(), r.last(), r.deviceId(), text(r.payload(), "severity", ""),
                        alertText(r.payload()))).toList();

        Map<String, BatchRecord.Counts> qualitySummary = new TreeMap<>();
        rows.stream().filter(r -> r.table().equals("quality")).forEach(r -> {
            boolean pass = "pass".equalsIgnoreCase(text(r.payload(), "result", ""));
            qualitySummary.merge(r.subject().substring(r.subject().indexOf('.', r.subject().indexOf('.') + 1) + 1),
                    new BatchRecord.Counts(pass ? 1 : 0, pass ? 0 : 1),
                    (a, b) -> new BatchRecord.Counts(a.good() + b.good(), a.bad() + b.bad()));
        });

        List<Row> states = rows.stream().filter(r -> r.table().equals("events") && r.last().equals("state"))
                .sorted(Comparator.comparing(Row::time).thenComparingLong(Row::streamSeq)).toList();
        String station = oeeStation(reconciliation, rows);
        Oee oee = null;
        if (startedAt != null && completedAt != null && station != null) {
            Duration run = runningTime(states, station, startedAt, completedAt);
            BatchRecord.Counts counts = reconciliation.getOrDefault(station, new BatchRecord.Counts(0, 0));
            Double ideal = start != null && start.path("idealRatePerMinute").isNumber()
                    ? start.path("idealRatePerMinute").asDouble() : null;
            oee = new Oee(Duration.between(startedAt, completedAt), run, ideal, counts.good() + counts.bad(),
                    counts.good());
        }

        List<String> findings = new ArrayList<>();
        findings.addAll(gaps(rows, states));
        findings.addAll(clockSkew(rows));
        Instant from = rows.stream().map(Row::gatewayTime).min(Comparator.naturalOrder()).orElse(null);
        Instant to = rows.stream().map(Row::gatewayTime).max(Comparator.naturalOrder()).orElse(null);
        return new BatchRecord(batchId, text(start, "product", null), text(start, "gtin", null),
                text(start, "plant", null), text(start, "line", null),
                start != null && start.path("quantity").canConvertToLong() ? start.path("quantity").asLong() : null,
                startedAt, completedAt, timeline, devices, byTable, reconciliation,
                complete != null && complete.has("quantity") ? complete.path("quantity").asLong() : null,
                complete != null && complete.has("rejected") ? complete.path("rejected").asLong() : null,
                alerts, qualitySummary, charts(rows), oee, station, audit(from, to), findings);
    }

    private List<Row> rows(String table, String batchId) throws SQLException {
        // A batch's own events are found by their subject as well: a start event may carry its id only there.
        String sql = "SELECT stream_seq, stored_at, subject, device_id, device_type, device_time, gateway_time, payload, "
                + "headers->>'Clock-Skew-Ms' FROM " + table + " WHERE batch_id = ?"
                + (table.equals("batch_events") ? " OR subject LIKE ?" : "") + " ORDER BY stream_seq";
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, batchId);
            if (table.equals("batch_events")) {
                ps.setString(2, "batch." + batchId.replace("%", "\\%").replace("_", "\\_") + ".%");
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JsonNode payload = parse(rs.getBytes(8));
                    Instant gatewayTime = instant(rs.getTimestamp(7), rs.getTimestamp(2));
                    Instant deviceTime = instant(rs.getTimestamp(6), null);
                    Instant time = payloadTime(payload, deviceTime != null ? deviceTime : gatewayTime);
                    out.add(new Row(table, rs.getLong(1), time, gatewayTime, rs.getString(3), rs.getString(4),
                            rs.getString(5), payload, rs.getString(9)));
                }
            }
        }
        return out;
    }

    // Which device's states and counts stand for the line: the cartoner (the line's counting station) when it
    // reported, else the device reporting the most production.
    private static String oeeStation(Map<String, BatchRecord.Counts> reconciliation, List<Row> rows) {
        for (Row r : rows) {
            if (r.subject().contains("." + Oee.COUNTING_STATION + ".") && r.deviceId() != null
                    && (reconciliation.isEmpty() || reconciliation.containsKey(r.deviceId()))) {
                return r.deviceId();
            }
        }
        return reconciliation.entrySet().stream().max(Comparator.comparingLong(e -> e.getValue().good()))
                .map(Map.Entry::getKey).orElse(null);
    }

    /** Time the device was in state "running" within [from, to], from its state events (one definition: RunningTime). */
    static Duration runningTime(List<Row> states, String deviceId, Instant from, Instant to) {
        return RunningTime.within(states.stream().filter(r -> deviceId.equals(r.deviceId()))
                .map(r -> new RunningTime.StateChange(r.time(), text(r.payload(), "state", ""))).toList(), from, to);
    }

    // Silences of a running device ten times longer than its usual reporting interval.
    private static List<String> gaps(List<Row> rows, List<Row> states) {
        Map<String, List<Row>> telemetry = new TreeMap<>();
        rows.stream().filter(r -> r.table().equals("telemetry") && r.deviceId() != null)
                .forEach(r -> telemetry.computeIfAbsent(r.deviceId(), d -> new ArrayList<>()).add(r));
        List<String> findings = new ArrayList<>();
        for (Map.Entry<String, List<Row>> device : telemetry.entrySet()) {
            List<Instant> times = device.getValue().stream().map(Row::time).sorted().toList();
            if (times.size() < 10) {
                continue;
            }
            List<Long> intervals = new ArrayList<>();
            for (int i = 1; i < times.size(); i++) {
                intervals.add(Duration.between(times.get(i - 1), times.get(i)).toMillis());
            }
            List<Long> sorted = intervals.stream().sorted().toList();
            long median = Math.max(1, sorted.get(sorted.size() / 2));
            long threshold = Math.max(10 * median, 60_000);
            for (int i = 1; i < times.size(); i++) {
                if (intervals.get(i - 1) > threshold && wasRunning(states, device.getKey(), times.get(i - 1))) {
                    findings.add("gap: no data from " + device.getKey() + " between " + times.get(i - 1) + " and "
                            + times.get(i) + " while it was running");
                }
            }
        }
        return findings;
    }

    private static boolean wasRunning(List<Row> states, String deviceId, Instant at) {
        String state = null;
        for (Row r : states) {
            if (deviceId.equals(r.deviceId()) && !r.time().isAfter(at)) {
                state = text(r.payload(), "state", null);
            }
        }
        return state == null || "running".equals(state);
    }

    private static List<String> clockSkew(List<Row> rows) {
        Map<String, long[]> byDevice = new TreeMap<>();
        for (Row r : rows) {
            if (r.clockSkew() != null) {
                long[] s = byDevice.computeIfAbsent(String.valueOf(r.deviceId()), d -> new long[2]);
                s[0]++;
                try {
                    s[1] = Math.max(s[1], Math.abs(Long.parseLong(r.clockSkew())));
                } catch (NumberFormatException e) {
                    s[1] = Long.MAX_VALUE;
                }
            }
        }
        List<String> findings = new ArrayList<>();
        byDevice.forEach((device, s) -> findings.add("clock skew: " + s[0] + " record(s) of " + device
                + " flagged by the gateway" + (s[1] == Long.MAX_VALUE ? " (unreadable device time)"
                : ", up to " + s[1] + " ms")));
        return findings;
    }

    // Readings that state their limits are critical process values: one series per device, metric and zone.
    private static List<BatchRecord.Chart> charts(List<Row> rows) {
        Map<String, List<Row>> series = new TreeMap<>();
        for (Row r : rows) {
            JsonNode p = r.payload();
            if (r.table().equals("telemetry") && p != null && p.path("value").isNumber()
                    && Double.isFinite(p.path("value").asDouble())
                    && (p.has("limit") || p.has("tolerance"))) {
                String key = r.deviceId() + "|" + r.last() + (p.has("zone") ? " (" + p.path("zone").asText() + ")" : "");
                series.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
            }
        }
        List<BatchRecord.Chart> charts = new ArrayList<>();
        for (Map.Entry<String, List<Row>> s : series.entrySet()) {
            List<Row> points = s.getValue().stream().sorted(Comparator.comparing(Row::time)).toList();
            String[] key = s.getKey().split("\\|", 2);
            charts.add(new BatchRecord.Chart(key[1], text(points.get(0).payload(), "unit", ""), key[0],
                    downsample(points)));
        }
        return charts;
    }

    // The limits a reading declares: a setpoint with a high limit, or a target with a tolerance either side.
    private static BatchRecord.Point point(Row r) {
        JsonNode p = r.payload();
        Double target = number(p, "setpoint");
        if (target == null) {
            target = number(p, "target");
        }
        Double high = number(p, "limit");
        Double low = null;
        Double tolerance = number(p, "tolerance");
        if (tolerance != null && target != null) {
            low = target - tolerance;
            high = target + tolerance;
        }
        return new BatchRecord.Point(r.time(), p.path("value").asDouble(), low, high, target);
    }

    // A finite number, or null: a device's text, null or 1e999 must not break the report.
    private static Double number(JsonNode p, String field) {
        JsonNode v = p.get(field);
        return v != null && v.isNumber() && Double.isFinite(v.asDouble()) ? v.asDouble() : null;
    }

    // Keeps the lowest and highest value of each time bucket, so that an excursion survives the thinning.
    private static List<BatchRecord.Point> downsample(List<Row> points) {
        List<BatchRecord.Point> out = new ArrayList<>();
        int buckets = MAX_CHART_POINTS / 2;
        if (points.size() <= MAX_CHART_POINTS) {
            points.forEach(r -> out.add(point(r)));
            return out;
        }
        double per = points.size() / (double) buckets;
        for (int b = 0; b < buckets; b++) {
            List<Row> bucket = points.subList((int) (b * per), (int) Math.min(points.size(), (b + 1) * per));
            if (bucket.isEmpty()) {
                continue;
            }
            Row min = bucket.get(0);
            Row max = bucket.get(0);
            for (Row r : bucket) {
                double v = r.payload().path("value").asDouble();
                if (v < min.payload().path("value").asDouble()) {
                    min = r;
                }
                if (v > max.payload().path("value").asDouble()) {
                    max = r;
                }
            }
            Row firstOf = min.time().isBefore(max.time()) ? min : max;
            Row secondOf = firstOf == min ? max : min;
            out.add(point(firstOf));
            if (secondOf != firstOf) {
                out.add(point(secondOf));
            }
        }
        return out;
    }

    private List<BatchRecord.AuditLine> audit(Instant from, Instant to) throws SQLException {
        List<BatchRecord.AuditLine> lines = new ArrayList<>();
        if (from == null) {
            return lines;
        }
        String sql = "SELECT payload FROM audit WHERE stored_at BETWEEN ? AND ? ORDER BY stream_seq";
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(from.minusSeconds(1)));
            ps.setTimestamp(2, Timestamp.from(to.plusSeconds(1)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (String text : new String(rs.getBytes(1), StandardCharsets.UTF_8).split("\n")) {
                        JsonNode r = parse(text.getBytes(StandardCharsets.UTF_8));
                        if (r == null || !r.has("seq")) {
                            continue;
                        }
                        lines.add(new BatchRecord.AuditLine(payloadTime(r, null), r.path("gatewayId").asText(),
                                r.path("seq").asLong(), r.path("actor").asText() + " " + r.path("actorId").asText(),
                                r.path("action").asText(), r.path("outcome").asText(), r.path("details").toString()));
                    }
                }
            }
        }
        return lines;
    }

    private static JsonNode payloadOf(List<Row> events, String event) {
        return events.stream().filter(r -> r.last().equals(event)).map(Row::payload).reduce((a, b) -> b).orElse(null);
    }

    private static Instant timeOf(List<Row> events, String event) {
        return events.stream().filter(r -> r.last().equals(event)).map(Row::time).reduce((a, b) -> b).orElse(null);
    }

    private static String alertText(JsonNode p) {
        StringBuilder out = new StringBuilder();
        for (String field : List.of("reason", "value", "limit", "zone", "equipment")) {
            if (p != null && p.hasNonNull(field)) {
                out.append(out.length() == 0 ? "" : ", ").append(field).append(' ').append(p.get(field).asText());
            }
        }
        return out.toString();
    }

    private static Instant payloadTime(JsonNode payload, Instant fallback) {
        if (payload != null && payload.path("time").isTextual()) {
            try {
                return Instant.parse(payload.path("time").asText());
            } catch (DateTimeParseException e) {
                // not an instant: the record's own time stands
            }
        }
        return fallback;
    }

    private static Instant instant(Timestamp t, Timestamp fallback) {
        return t != null ? t.toInstant() : fallback != null ? fallback.toInstant() : null;
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return bytes == null ? null : JSON.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field, String fallback) {
        return node != null && node.hasNonNull(field) ? node.get(field).asText() : fallback;
    }
}
