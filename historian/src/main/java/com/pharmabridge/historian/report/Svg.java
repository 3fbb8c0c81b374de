package com.pharmabridge.historian.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Line charts as inline SVG: a value series over time with its target and limits, excursions in red. */
final class Svg {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 240;
    private static final int LEFT = 56;
    private static final int RIGHT = 12;
    private static final int TOP = 12;
    private static final int BOTTOM = 28;
    private static final DateTimeFormatter AXIS = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private Svg() {
    }

    static void chart(StringBuilder h, BatchRecord.Chart chart) {
        if (chart.points().isEmpty()) {
            return;
        }
        long t0 = chart.points().get(0).time().toEpochMilli();
        long t1 = chart.points().get(chart.points().size() - 1).time().toEpochMilli();
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        long outside = 0;
        for (BatchRecord.Point p : chart.points()) {
            min = Math.min(min, p.value());
            max = Math.max(max, p.value());
            outside += outside(chart, p.value()) ? 1 : 0;
        }
        for (Double line : new Double[]{chart.low(), chart.high(), chart.target()}) {
            if (line != null) {
                min = Math.min(min, line);
                max = Math.max(max, line);
            }
        }
        double pad = Math.max((max - min) * 0.08, 0.01);
        min -= pad;
        max += pad;
        h.append("<figure><figcaption>").append(BatchReportWriter.esc(chart.title())).append(" — ")
                .append(BatchReportWriter.esc(chart.deviceId())).append(chart.unit().isEmpty() ? "" : " (" + BatchReportWriter.esc(chart.unit()) + ")")
                .append(limitsText(chart)).append(outside > 0 ? " — <span style=\"color:#c0392b\">" + outside
                        + " plotted point(s) outside the limits</span>" : "").append("</figcaption>");
        h.append("<svg viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"100%\" role=\"img\" aria-label=\"").append(BatchReportWriter.esc(chart.title()))
                .append("\"><rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"")
                .append(WIDTH - LEFT - RIGHT).append("\" height=\"").append(HEIGHT - TOP - BOTTOM)
                .append("\" fill=\"#fbfcfd\" stroke=\"#c9d2db\"/>");
        for (int i = 0; i <= 4; i++) {
            double v = min + (max - min) * i / 4;
            double y = y(v, min, max);
            h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 4,
                    y + 4, fmt(v)));
        }
        for (int i = 0; i <= 4; i++) {
            long t = t0 + (t1 - t0) * i / 4;
            double x = x(t, t0, t1);
            h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x,
                    HEIGHT - 8, AXIS.format(Instant.ofEpochMilli(t))));
        }
        limit(h, chart.high(), min, max, "#c0392b", "limit");
        limit(h, chart.low(), min, max, "#c0392b", "limit");
        limit(h, chart.target(), min, max, "#1b7f3b", "target");
        h.append("<polyline fill=\"none\" stroke=\"#1f5f8b\" stroke-width=\"1.2\" points=\"");
        for (BatchRecord.Point p : chart.points()) {
            h.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p.time().toEpochMilli(), t0, t1), y(p.value(), min, max)));
        }
        h.append("\"/>");
        for (BatchRecord.Point p : chart.points()) {
            if (outside(chart, p.value())) {
                h.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#c0392b\"/>",
                        x(p.time().toEpochMilli(), t0, t1), y(p.value(), min, max)));
            }
        }
        h.append("</svg></figure>");
    }

    private static boolean outside(BatchRecord.Chart chart, double v) {
        return (chart.high() != null && v > chart.high()) || (chart.low() != null && v < chart.low());
    }

    private static String limitsText(BatchRecord.Chart c) {
        StringBuilder out = new StringBuilder();
        if (c.target() != null) {
            out.append("; target ").append(fmt(c.target()));
        }
        if (c.low() != null) {
            out.append("; low limit ").append(fmt(c.low()));
        }
        if (c.high() != null) {
            out.append("; high limit ").append(fmt(c.high()));
        }
        return out.toString();
    }

    private static void limit(StringBuilder h, Double value, double min, double max, String colour, String what) {
        if (value == null) {
            return;
        }
        double y = y(value, min, max);
        h.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                        + "stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" style=\"fill:%s\">%s %s</text>",
                LEFT, WIDTH - RIGHT, y, y, colour, WIDTH - RIGHT - 4, y - 3, colour, what, fmt(value)));
    }

    private static double x(long t, long t0, long t1) {
        return LEFT + (t1 == t0 ? 0.5 : (t - t0) / (double) (t1 - t0)) * (WIDTH - LEFT - RIGHT);
    }

    private static double y(double v, double min, double max) {
        return TOP + (1 - (v - min) / (max - min)) * (HEIGHT - TOP - BOTTOM);
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
