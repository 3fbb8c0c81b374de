package com.pharmabridge.historian.testing;

import com.pharmabridge.historian.store.Database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads the historian's tables as the owner does. */
public final class Rows {
    private Rows() {
    }

    /** Row count, or -1 while the database cannot be reached (e.g. during a restart). */
    public static long count(Database db, String table) {
        try {
            return single(db, "SELECT count(*) FROM historian." + table);
        } catch (SQLException e) {
            return -1;
        }
    }

    public static long single(Database db, String sql) throws SQLException {
        try (Connection c = db.admin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static List<Long> sequences(Database db, String table) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = db.admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT stream_seq FROM historian." + table + " ORDER BY stream_seq")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    /** 1..n, the sequences a stream of n messages holds. */
    public static List<Long> oneTo(long n) {
        List<Long> out = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            out.add(i);
        }
        return out;
    }
}
