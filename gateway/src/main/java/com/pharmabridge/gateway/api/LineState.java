package com.pharmabridge.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pharmabridge.protocol.oee.Oee;
import com.pharmabridge.protocol.oee.RunningTime;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the line view shows, built from the messages of the project's subject hierarchy as they are stored:
 * {@code events.{line}.{equipment}.state}, {@code batch.{batchId}.{start|hold|release|complete}},
 * {@code alerts.{plant}.{line}.{type}} and {@code factory.{plant}.{line}.{equipment}.{metric}}. OEE per line is the
 * batch report's ({@link Oee}, {@link RunningTime}) over the batch so far: planned time from the batch start to the
 * line's latest reading, run time of the counting station, its good count and rejects, the ideal rate the start
 * declared. Times are the readings' own ({@code payload.time}, else the device's timestamp, else the gateway's), so a
 * simulated line at 60× shows its own clock. Everything is bounded: state changes per device, alerts, critical values.
 * Thread-safe: messages arrive on NATS threads, pictures are taken on event loops.
 */
public final class LineState {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_STATE_CHANGES = 2_000;
    private static final int HISTORY = 60;
    private static final int MAX_LINES = 200;
    private static final int MAX_EQUIPMENT = 5_000;

    private final int maxAlerts;
    private final int maxCriticalValues;
    private final Map<String, Line> lines = new TreeMap<>();
    private final Map<String, String> lineOfBatch = new HashMap<>();
    private final Deque<ObjectNode> alerts = new ArrayDeque<>();
    private final Map<String, Critical> critical = new LinkedHashMap<>();
    private int equipmentCount;

    public LineState(int maxAlerts, int maxCriticalValues) {
        this.maxAlerts = maxAlerts;
        this.maxCriticalValues = maxCriticalValues;
    }

    private static final class Line {
        final String id;
        String plant;
        Instant clock;
        final Map<String, Equipment> equipment = new TreeMap<>();
        Batch batch;
        Batch lastBatch;

        Line(String id) {
            this.id = id;
        }
    }

    private static final class Equipment {
        final String deviceId;
        String type;
        String state;
        String reason;
        Instant since;
        Instant lastSeen;
        final Deque<RunningTime.StateChange> changes = new ArrayDeque<>();

        Equipment(String deviceId) {
            this.deviceId = deviceId;
        }
    }

    private static final class Batch {
        final String id;
        final Instant startedAt;
        final Double idealRatePerMinute;
        final String product;
        final Long plannedQuantity;
        String status = "running";
        Instant completedAt;
        long good;
        long rejects;
        String countingStation;

        Batch(String id, Instant startedAt, Double idealRatePerMinute, String product, Long plannedQuantity) {
            this.id = id;
            this.startedAt = startedAt;
            this.idealRatePerMinute = idealRatePerMinute;
            this.product = product;
            this.plannedQuantity = plannedQuantity;
        }
    }

    private static final class Critical {
        final String line;
        final String deviceId;
        final String subject;
        final String zone;
        double value;
        String unit;
        Double lower;
        Double upper;
        Instant time;
        final Deque<double[]> history = new ArrayDeque<>();

        Critical(String line, String deviceId, String subject, String zone) {
            this.line = line;
            this.deviceId = deviceId;
            this.subject = subject;
            this.zone = zone;
        }
    }

    /**
     * Takes one stored message into account.
     *
     * @param deviceId  the {@code Device-Id} header, or {@code null}
     * @param fallback  when the reading has no time of its own: the device's timestamp or the gateway's receive time
     */
    public synchronized void accept(String subject, String deviceId, byte[] payload, Instant fallback) {
        String[] t = subject.split("\\.");
        JsonNode body = parse(payload);
        if (body == null || !body.isObject()) {
            return;
        }
        Instant time = timeOf(body, fallback);
        switch (t[0]) {
            case "events" -> {
                if (t.length == 4 && t[3].equals("state") && deviceId != null) {
                    state(line(t[1], null, time), deviceId, t[2], body, time);
                }
            }
            case "batch" -> {
                if (t.length == 3) {
                    batch(t[1], t[2], body, time);
                }
            }
            case "alerts" -> {
                if (t.length >= 4) {
                    alert(line(t[2], t[1], time), t[3], deviceId, body, time);
                }
            }
            case "factory" -> {
                if (t.length >= 5) {
                    telemetry(line(t[2], t[1], time), t[3], t[4], subject, deviceId, body, time);
                }
            }
            default -> {
            }
        }
    }

    private Line line(String id, String plant, Instant time) {
        Line line = lines.get(id);
        if (line == null) {
            if (lines.size() >= MAX_LINES) {
                return new Line(id); // counted nowhere: a bound, not a view
            }
            line = new Line(id);
            lines.put(id, line);
        }
        if (plant != null) {
            line.plant = plant;
        }
        if (time != null && (line.clock == null || time.isAfter(line.clock))) {
            line.clock = time;
        }
        return line;
    }

    private Equipment equipment(Line line, String deviceId, String type) {
        Equipment e = line.equipment.get(deviceId);
        if (e == null && equipmentCount < MAX_EQUIPMENT) {
            e = new Equipment(deviceId);
            line.equipment.put(deviceId, e);
            equipmentCount++;
        }
        if (e != null && type != null) {
            e.type = type;
        }
        return e;
    }

    private void state(Line line, String deviceId, String type, JsonNode body, Instant time) {
        Equipment e = equipment(line, deviceId, type);
        if (e == null) {
            return;
        }
        e.state = body.path("state").asText(null);
        e.reason = body.path("reason").asText(null);
        e.since = time;
        e.lastSeen = time;
        e.changes.addLast(new RunningTime.StateChange(time, e.state));
        while (e.changes.size() > MAX_STATE_CHANGES) {
            e.changes.removeFirst();
        }
    }

    private void batch(String batchId, String event, JsonNode body, Instant time) {
        if (event.equals("start")) {
            String lineId = body.path("line").asText(null);
            if (lineId == null) {
                return;
            }
            Line line = line(lineId, body.path("plant").asText(null), time);
            if (line.batch != null && !line.batch.id.equals(batchId)) {
                line.lastBatch = line.batch;
            }
            line.batch = new Batch(batchId, time,
                    body.path("idealRatePerMinute").isNumber() ? body.path("idealRatePerMinute").asDouble() : null,
                    body.path("product").asText(null),
                    body.path("quantity").canConvertToLong() ? body.path("quantity").asLong() : null);
            lineOfBatch.put(batchId, lineId);
            if (lineOfBatch.size() > 10_000) {
                lineOfBatch.clear();
                lineOfBatch.put(batchId, lineId);
            }
            return;
        }
        Line line = lines.get(lineOfBatch.getOrDefault(batchId, ""));
        if (line == null || line.batch == null || !line.batch.id.equals(batchId)) {
            return;
        }
        line(line.id, null, time);
        switch (event) {
            case "hold" -> line.batch.status = "held";
            case "release" -> line.batch.status = "running";
            case "complete" -> {
                line.batch.status = "complete";
                line.batch.completedAt = time;
                line.lastBatch = line.batch;
                line.batch = null;
            }
            default -> {
            }
        }
    }

    private void alert(Line line, String type, String deviceId, JsonNode body, Instant time) {
        ObjectNode alert = JSON.createObjectNode()
                .put("time", String.valueOf(time))
                .put("line", line.id)
                .put("type", type)
                .put("deviceId", deviceId)
                .put("severity", body.path("severity").asText(""));
        if (body.path("value").isNumber()) {
            alert.put("value", body.path("value").asDouble());
        }
        if (body.path("limit").isNumber()) {
            alert.put("limit", body.path("limit").asDouble());
        }
        alert.put("text", alertText(body));
        alerts.addFirst(alert);
        while (alerts.size() > maxAlerts) {
            alerts.removeLast();
        }
    }

    private static String alertText(JsonNode body) {
        for (String field : new String[]{"message", "reason", "zone", "equipment"}) {
            if (body.path(field).isTextual()) {
                return field + ": " + body.path(field).asText();
            }
        }
        return "";
    }

    private void telemetry(Line line, String type, String metric, String subject, String deviceId, JsonNode body,
                           Instant time) {
        Equipment e = deviceId == null ? null : equipment(line, deviceId, type);
        if (e != null) {
            e.lastSeen = time;
        }
        Batch batch = line.batch;
        if (batch != null && type.equals(Oee.COUNTING_STATION) && sameBatch(batch, body)) {
            if (metric.equals("count") && body.path("value").isNumber()) {
                batch.good = body.path("value").asLong();
                batch.countingStation = deviceId;
            } else if (metric.equals("reject")) {
                batch.rejects += body.path("value").isNumber() ? body.path("value").asLong() : 1;
                batch.countingStation = deviceId;
            }
        }
        critical(line, type, subject, deviceId, body, time);
    }

    private static boolean sameBatch(Batch batch, JsonNode body) {
        return !body.path("batchId").isTextual() || body.path("batchId").asText().equals(batch.id);
    }

    /** A reading with a numeric value and limits: {@code limit} (upper), {@code lowerLimit}/{@code upperLimit}, or {@code target}±{@code tolerance}. */
    private void critical(Line line, String type, String subject, String deviceId, JsonNode body, Instant time) {
        if (!body.path("value").isNumber()) {
            return;
        }
        Double lower = number(body, "lowerLimit");
        Double upper = number(body, "upperLimit");
        if (upper == null) {
            upper = number(body, "limit");
        }
        Double target = number(body, "target");
        Double tolerance = number(body, "tolerance");
        if (target != null && tolerance != null && lower == null && upper == null) {
            lower = target - tolerance;
            upper = target + tolerance;
        }
        if (lower == null && upper == null) {
            return;
        }
        String zone = body.path("zone").isTextual() ? body.path("zone").asText() : null;
        String key = subject + (zone == null ? "" : "#" + zone);
        Critical c = critical.get(key);
        if (c == null) {
            if (critical.size() >= maxCriticalValues) {
                return;
            }
            c = new Critical(line.id, deviceId, subject, zone);
            critical.put(key, c);
        }
        c.value = body.path("value").asDouble();
        c.unit = body.path("unit").asText(null);
        c.lower = lower;
        c.upper = upper;
        c.time = time;
        c.history.addLast(new double[]{time.toEpochMilli(), c.value});
        while (c.history.size() > HISTORY) {
            c.history.removeFirst();
        }
    }

    /** The picture: lines (batch, OEE, equipment), latest critical values with their limits, recent alerts. */
    public synchronized ObjectNode picture(Map<String, ConnectedDevice> connected) {
        ObjectNode out = JSON.createObjectNode();
        Map<String, List<ConnectedDevice>> connectedByLine = new TreeMap<>();
        connected.values().forEach(d -> connectedByLine.computeIfAbsent(d.line() == null ? "" : d.line(),
                l -> new ArrayList<>()).add(d));
        ArrayNode lineList = out.putArray("lines");
        java.util.Set<String> lineIds = new java.util.TreeSet<>(lines.keySet());
        lineIds.addAll(connectedByLine.keySet());
        for (String id : lineIds) {
            Line line = lines.get(id);
            ObjectNode node = lineList.addObject().put("id", id.isEmpty() ? "(no line)" : id);
            if (line != null) {
                node.put("plant", line.plant).put("clock", String.valueOf(line.clock));
                if (line.batch != null) {
                    node.set("batch", batch(line, line.batch, line.clock));
                }
                if (line.lastBatch != null) {
                    node.set("lastBatch", batch(line, line.lastBatch, line.lastBatch.completedAt));
                }
            }
            ArrayNode equipment = node.putArray("equipment");
            Map<String, ObjectNode> byDevice = new TreeMap<>();
            if (line != null) {
                for (Equipment e : line.equipment.values()) {
                    byDevice.put(e.deviceId, JSON.createObjectNode().put("deviceId", e.deviceId).put("type", e.type)
                            .put("state", e.state).put("reason", e.reason).put("since", str(e.since))
                            .put("lastSeen", str(e.lastSeen)).put("connected", connected.containsKey(e.deviceId)));
                }
            }
            for (ConnectedDevice d : connectedByLine.getOrDefault(id, List.of())) {
                byDevice.computeIfAbsent(d.deviceId(), k -> JSON.createObjectNode().put("deviceId", k)
                        .put("type", d.type()).putNull("state").put("connected", true));
            }
            byDevice.values().forEach(equipment::add);
        }
        ArrayNode values = out.putArray("critical");
        for (Critical c : critical.values()) {
            ObjectNode v = values.addObject().put("line", c.line).put("deviceId", c.deviceId).put("subject", c.subject)
                    .put("zone", c.zone).put("value", c.value).put("unit", c.unit).put("time", str(c.time));
            putNumber(v, "lower", c.lower);
            putNumber(v, "upper", c.upper);
            v.put("within", (c.lower == null || c.value >= c.lower) && (c.upper == null || c.value <= c.upper));
            ArrayNode history = v.putArray("history");
            c.history.forEach(p -> history.addArray().add((long) p[0]).add(p[1]));
        }
        ArrayNode alertList = out.putArray("alerts");
        alerts.forEach(alertList::add);
        return out;
    }

    /** A device connected to this gateway, from its session: it is shown even before it reports a state. */
    public record ConnectedDevice(String deviceId, String type, String line) {
    }

    private static ObjectNode batch(Line line, Batch batch, Instant until) {
        ObjectNode node = JSON.createObjectNode().put("id", batch.id).put("status", batch.status)
                .put("product", batch.product).put("startedAt", str(batch.startedAt))
                .put("completedAt", str(batch.completedAt));
        if (batch.plannedQuantity != null) {
            node.put("plannedQuantity", batch.plannedQuantity);
        }
        node.set("oee", oee(line, batch, until));
        return node;
    }

    private static ObjectNode oee(Line line, Batch batch, Instant until) {
        ObjectNode node = JSON.createObjectNode();
        Instant end = until == null || until.isBefore(batch.startedAt) ? batch.startedAt : until;
        Equipment station = batch.countingStation == null ? countingStation(line) : line.equipment.get(batch.countingStation);
        Duration run = station == null ? Duration.ZERO
                : RunningTime.within(List.copyOf(station.changes), batch.startedAt, end);
        Oee oee = new Oee(Duration.between(batch.startedAt, end), run, batch.idealRatePerMinute,
                batch.good + batch.rejects, batch.good);
        node.put("station", station == null ? null : station.deviceId)
                .put("plannedMinutes", Duration.between(batch.startedAt, end).toMillis() / 60_000.0)
                .put("runMinutes", run.toMillis() / 60_000.0)
                .put("total", batch.good + batch.rejects).put("good", batch.good);
        putNumber(node, "idealRatePerMinute", batch.idealRatePerMinute);
        putNumber(node, "availability", oee.availability());
        putNumber(node, "performance", oee.performance());
        putNumber(node, "quality", oee.quality());
        putNumber(node, "oee", oee.oee());
        return node;
    }

    private static Equipment countingStation(Line line) {
        return line.equipment.values().stream().filter(e -> Oee.COUNTING_STATION.equals(e.type)).findFirst()
                .orElse(null);
    }

    private static void putNumber(ObjectNode node, String field, Double value) {
        if (value == null || value.isNaN() || value.isInfinite()) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    private static Double number(JsonNode body, String field) {
        return body.path(field).isNumber() ? body.path(field).asDouble() : null;
    }

    private static String str(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static JsonNode parse(byte[] payload) {
        try {
            return payload == null || payload.length == 0 ? null : JSON.readTree(payload);
        } catch (IOException e) {
            return null;
        }
    }

    private static Instant timeOf(JsonNode body, Instant fallback) {
        if (body.path("time").isTextual()) {
            try {
                return java.time.OffsetDateTime.parse(body.path("time").asText()).toInstant();
            } catch (DateTimeParseException e) {
                // the fallback stands
            }
        }
        return fallback == null ? Instant.now() : fallback;
    }
}
