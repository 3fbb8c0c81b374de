package com.pharmabridge.historian.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Where the records go and as whom. The owner (admin) runs the migrations and the retention job; inserts go through
 * the writer, a role with SELECT and INSERT only. With no writer login given, the inserting connections log in as the
 * owner and {@code SET ROLE historian_writer}: the same privileges for every statement they send, but a weaker
 * separation than a login of its own.
 */
public record Database(String url, String adminUser, String adminPassword, String writerUser, String writerPassword,
                       boolean ownsWriterLogin) {
    public static final String WRITER_ROLE = "historian_writer";

    /** A server the plant runs; the writer logs in as {@code writerUser} when given, else through SET ROLE. */
    public static Database external(String url, String adminUser, String adminPassword, String writerUser,
                                    String writerPassword) {
        return new Database(url, adminUser, adminPassword, writerUser, writerPassword, false);
    }

    /**
     * A server the historian owns (embedded): after the migrations it lets the writer role log in with
     * {@code writerPassword}.
     */
    public static Database owned(String url, String superuser, String superuserPassword, String writerPassword) {
        return new Database(url, superuser, superuserPassword, WRITER_ROLE, writerPassword, true);
    }

    public Database {
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("The database URL must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), not " + url);
        }
    }

    public Connection admin() throws SQLException {
        return connect(adminUser, adminPassword, "pharmabridge-historian-admin");
    }

    public Connection writer() throws SQLException {
        if (writerUser == null) {
            Connection c = connect(adminUser, adminPassword, "pharmabridge-historian");
            try (Statement s = c.createStatement()) {
                s.execute("SET ROLE " + WRITER_ROLE);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return c;
        }
        return connect(writerUser, writerPassword, "pharmabridge-historian");
    }

    private Connection connect(String user, String password, String application) throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", application);
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "120");
        props.setProperty("tcpKeepAlive", "true");
        Connection c = DriverManager.getConnection(url, props);
        try (Statement s = c.createStatement()) {
            s.execute("SET search_path = historian, pg_catalog");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    @Override
    public String toString() {
        return url + " (owner " + adminUser + ", writer " + (writerUser == null ? "SET ROLE " + WRITER_ROLE : writerUser) + ")";
    }
}
