package com.pharmabridge.historian.cli;

import com.pharmabridge.historian.postgres.LocalPostgres;
import com.pharmabridge.historian.store.Database;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Which PostgreSQL the historian's commands use: a server given by URL, or the embedded one in a directory. */
final class DatabaseOptions {
    @Option(names = "--db-url", paramLabel = "JDBC_URL", defaultValue = "${env:HISTORIAN_DB_URL}",
            description = "PostgreSQL to use, e.g. jdbc:postgresql://db:5432/historian (env HISTORIAN_DB_URL); "
                    + "without it: embedded PostgreSQL in --data")
    String dbUrl;

    @Option(names = "--db-user", defaultValue = "${env:HISTORIAN_DB_USER}",
            description = "Owner of the historian schema, runs migrations and retention (env HISTORIAN_DB_USER)")
    String dbUser;

    @Option(names = "--db-password", defaultValue = "${env:HISTORIAN_DB_PASSWORD}",
            description = "Its password (env HISTORIAN_DB_PASSWORD)")
    String dbPassword;

    @Option(names = "--writer-user", defaultValue = "${env:HISTORIAN_WRITER_USER}",
            description = "Login for inserts, a member of historian_writer (env HISTORIAN_WRITER_USER); without "
                    + "it inserts use the owner's login with SET ROLE historian_writer")
    String writerUser;

    @Option(names = "--writer-password", defaultValue = "${env:HISTORIAN_WRITER_PASSWORD}",
            description = "Its password (env HISTORIAN_WRITER_PASSWORD)")
    String writerPassword;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:HISTORIAN_DATA:-data/historian}",
            description = "Embedded PostgreSQL's directory (env HISTORIAN_DATA; default ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--pg-port", defaultValue = "${env:HISTORIAN_PG_PORT:-0}",
            description = "Embedded PostgreSQL's port on 127.0.0.1 (env HISTORIAN_PG_PORT; default: a free one)")
    int pgPort;


    /** The database, and the embedded server behind it when this command started one (close it when done). */
    record Opened(Database db, LocalPostgres embedded) implements AutoCloseable {
        @Override
        public void close() {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    Opened open() throws Exception {
        if (dbUrl == null || dbUrl.isBlank()) {
            LocalPostgres embedded = LocalPostgres.start(data, pgPort);
            System.err.println("Embedded PostgreSQL on " + embedded.jdbcUrl() + " (data " + embedded.dataDir()
                    + "; passwords in credentials.properties there)");
            return new Opened(Database.owned(embedded.jdbcUrl(), LocalPostgres.SUPERUSER, embedded.superuserPassword(),
                    embedded.writerPassword()), embedded);
        }
        return new Opened(Database.external(dbUrl, dbUser, dbPassword, writerUser, writerPassword), null);
    }
}
