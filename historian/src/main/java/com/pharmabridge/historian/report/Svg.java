package com.pharmabridge.historian.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Line charts as inline SVG: a value over time with the target and limits in force at each moment (drawn as steps,
 * so a setpoint change shows where it happened), values outside the limits marked in red.
 */
final class Svg {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 240;
    private static final int LEFT = 56;
    private static final int RIGHT = 12;
    private static final int TOP = 12;
    private static final int BOTTOM = 28;
    private static final String LIMIT_COLOUR = "#c0392b";
    private static final String TARGET_COLOUR = "#1b7f3b";
    private static final DateTimeFormatter AXIS = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private Svg() {
    }

    static void chart(StringBuilder h, BatchRecord.Chart chart) {
        List<BatchRecord.Point> points = chart.points();
        if (points.isEmpty()) {
            return;
        }
        long t0 = points.get(0).time().toEpochMilli();
        long t1 = points.get(points.size() - 1).time().toEpochMilli();
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        long outside = 0;
        for (BatchRecord.Point p : points) {
            for (Double v : new Double[]{p.value(), p.low(), p.high(), p.target()}) {
                if (v != null) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            outside += p.outside() ? 1 : 0;
        }
        double pad = Math.max((max - min) * 0.08, 0.01);
        double lo = min - pad;
        double hi = max + pad;
        BatchRecord.Point last = points.get(points.size() - 1);
        h.append("<figure><figcaption>").append(BatchReportWriter.esc(chart.title())).append(" — ")
                .append(BatchReportWriter.esc(chart.deviceId()))
                .append(chart.unit().isEmpty() ? "" : " (" + BatchReportWriter.esc(chart.unit()) + ")")
                .append(limitsText(last))
                .append(outside > 0 ? " — <span style=\"color:" + LIMIT_COLOUR + "\">" + outside
                        + " plotted point(s) outside the limits</span>" : "").append("</figcaption>");
        h.append("<svg viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"100%\" role=\"img\" aria-label=\"").append(BatchReportWriter.esc(chart.title()))
                .append("\"><rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"")
                .append(WIDTH - LEFT - RIGHT).append("\" height=\"").append(HEIGHT - TOP - BOTTOM)
                .append("\" fill=\"#fbfcfd\" stroke=\"#c9d2db\"/>");
        for (int i = 0; i <= 4; i++) {
            double v = lo + (hi - lo) * i / 4;
            h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 4,
                    y(v, lo, hi) + 4, fmt(v)));
        }
        for (int i = 0; i <= 4; i++) {
            long t = t0 + (t1 - t0) * i / 4;
            String anchor = i == 0 ? "start" : i == 4 ? "end" : "middle";
            h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>",
                    x(t, t0, t1), HEIGHT - 8, anchor, AXIS.format(Instant.ofEpochMilli(t))));
        }
        steps(h, points, BatchRecord.Point::high, t0, t1, lo, hi, LIMIT_COLOUR, "limit");
        steps(h, points, BatchRecord.Point::low, t0, t1, lo, hi, LIMIT_COLOUR, "limit");
        steps(h, points, BatchRecord.Point::target, t0, t1, lo, hi, TARGET_COLOUR, "target");
        h.append("<polyline class=\"value\" fill=\"none\" stroke=\"#1f5f8b\" stroke-width=\"1.2\" points=\"");
        for (BatchRecord.Point p : points) {
            h.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p.time().toEpochMilli(), t0, t1), y(p.value(), lo, hi)));
        }
        h.append("\"/>");
        for (BatchRecord.Point p : points) {
            if (p.outside()) {
                h.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                        x(p.time().toEpochMilli(), t0, t1), y(p.value(), lo, hi), LIMIT_COLOUR));
            }
        }
        h.append("</svg></figure>");
    }

    // A limit as a step line: it holds until the next reading declares another.
    private static void steps(StringBuilder h, List<BatchRecord.Point> points, Function<BatchRecord.Point, Double> of,
                              long t0, long t1, double lo, double hi, String colour, String label) {
        StringBuilder line = new StringBuilder();
        Double previous = null;
        Double latest = null;
        for (BatchRecord.Point p : points) {
            Double v = of.apply(p);
            if (v == null) {
                continue;
            }
            double x = x(p.time().toEpochMilli(), t0, t1);
            if (previous != null && !previous.equals(v)) {
                line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y(previous, lo, hi)));
            }
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y(v, lo, hi)));
            previous = v;
            latest = v;
        }
        if (latest == null) {
            return;
        }
        line.append(String.format(Locale.ROOT, "%.1f,%.1f", (double) (WIDTH - RIGHT), y(latest, lo, hi)));
        h.append("<polyline class=\"").append(label).append("\" fill=\"none\" stroke=\"").append(colour)
                .append("\" stroke-dasharray=\"6 4\" points=\"").append(line).append("\"/>");
        h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" style=\"fill:%s\">%s %s</text>",
                WIDTH - RIGHT - 4, y(latest, lo, hi) - 3, colour, label, fmt(latest)));
    }

    private static String limitsText(BatchRecord.Point last) {
        StringBuilder out = new StringBuilder();
        if (last.target() != null) {
            out.append("; target ").append(fmt(last.target()));
        }
        if (last.low() != null) {
            out.append("; low limit ").append(fmt(last.low()));
        }
        if (last.high() != null) {
            out.append("; high limit ").append(fmt(last.high()));
        }
        return out.length() == 0 ? "" : out.append(" (at the end)").toString();
    }

    private static double x(long t, long t0, long t1) {
        return LEFT + (t1 == t0 ? 0.5 : (t - t0) / (double) (t1 - t0)) * (WIDTH - LEFT - RIGHT);
    }

    private static double y(double v, double lo, double hi) {
        return TOP + (1 - (v - lo) / (hi - lo)) * (HEIGHT - TOP - BOTTOM);
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
