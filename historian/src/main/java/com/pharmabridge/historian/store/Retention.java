package com.pharmabridge.historian.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;

/**
 * The retention job: asks historian.apply_retention (the only path by which a record can be deleted) to remove what
 * each table's retention allows, in slices so no transaction holds many locks for long.
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    static final int SLICE = 5_000;

    private Retention() {
    }

    /** @return rows removed per table (tables that removed none are left out) */
    public static Map<RecordTable, Long> run(Database db) throws SQLException {
        Map<RecordTable, Long> removed = new EnumMap<>(RecordTable.class);
        try (Connection c = db.admin();
             PreparedStatement apply = c.prepareStatement("SELECT historian.apply_retention(?, ?)")) {
            for (RecordTable table : RecordTable.values()) {
                long total = 0;
                long slice;
                do {
                    apply.setString(1, table.table());
                    apply.setInt(2, SLICE);
                    try (ResultSet rs = apply.executeQuery()) {
                        rs.next();
                        slice = rs.getLong(1);
                    }
                    total += slice;
                } while (slice == SLICE);
                if (total > 0) {
                    removed.put(table, total);
                    LOG.info("Retention removed {} rows from historian.{}", total, table.table());
                }
            }
        }
        return removed;
    }
}
