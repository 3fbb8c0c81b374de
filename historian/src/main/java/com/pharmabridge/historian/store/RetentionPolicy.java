package com.pharmabridge.historian.store;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long records are kept: per table (absent: for ever), and for a batch, how long after its completion every record
 * that carries its id stays, whatever its table's own retention says. Durations as {@code 90d}, {@code 12h},
 * {@code 18mo}, {@code 7y}, or {@code forever}; held as PostgreSQL interval text.
 */
public record RetentionPolicy(Map<RecordTable, String> keep, String batchRetention) {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d|w|mo|y)");

    public RetentionPolicy {
        keep = Map.copyOf(keep);
    }

    public static RetentionPolicy keepEverything(String batchRetention) {
        return new RetentionPolicy(new EnumMap<>(RecordTable.class), interval(batchRetention));
    }

    public RetentionPolicy with(RecordTable table, String duration) {
        Map<RecordTable, String> copy = new EnumMap<>(RecordTable.class);
        copy.putAll(keep);
        String interval = interval(duration);
        if (interval == null) {
            copy.remove(table);
        } else {
            copy.put(table, interval);
        }
        return new RetentionPolicy(copy, batchRetention);
    }

    /** @return the PostgreSQL interval for a table, or null to keep its rows for ever */
    public String keep(RecordTable table) {
        return keep.get(table);
    }

    /** @return a PostgreSQL interval ("90 days"), or null for "forever" */
    public static String interval(String duration) {
        String text = duration.trim().toLowerCase(Locale.ROOT);
        if (text.equals("forever") || text.equals("never")) {
            return null;
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("'" + duration + "' is not a duration: use e.g. 90d, 12h, 18mo, 7y or forever");
        }
        String unit = switch (m.group(2)) {
            case "s" -> "seconds";
            case "m" -> "minutes";
            case "h" -> "hours";
            case "d" -> "days";
            case "w" -> "weeks";
            case "mo" -> "months";
            default -> "years";
        };
        return m.group(1) + " " + unit;
    }
}
