package com.pharmabridge.historian.cli;

import com.pharmabridge.historian.report.BatchRecord;
import com.pharmabridge.historian.report.BatchRecordLoader;
import com.pharmabridge.historian.report.BatchReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code historian batch report <batchId>}: the complete record of a batch. */
@Command(name = "batch", mixinStandardHelpOptions = true, description = "Batch records.",
        subcommands = {BatchCommand.Report.class})
final class BatchCommand {

    @Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write the complete record of a batch as {batchId}.json and {batchId}.html (one "
                    + "self-contained page to read and print): batch events, devices, counts and reconciliation, "
                    + "OEE, alerts, quality results, critical values against their limits, audit events, gaps and "
                    + "clock-skew flags."})
    static final class Report implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "BATCH_ID", description = "The batch")
        String batchId;

        @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
                description = "Directory for the two files (default: the current one)")
        Path out;

        @Mixin
        DatabaseOptions database = new DatabaseOptions();

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!batchId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw new IllegalArgumentException("'" + batchId + "' is not a batch id");
            }
            BatchRecord record;
            try (DatabaseOptions.Opened opened = database.open(); Connection c = opened.db().admin()) {
                record = new BatchRecordLoader(c).load(batchId);
            }
            if (record == null) {
                spec.commandLine().getErr().println("error: the historian holds no record of batch " + batchId);
                return 1;
            }
            Files.createDirectories(out);
            Path json = out.resolve(batchId + ".json");
            Path html = out.resolve(batchId + ".html");
            Files.writeString(json, BatchReportWriter.json(record));
            Files.writeString(html, BatchReportWriter.html(record, Instant.now()));
            spec.commandLine().getOut().println("Wrote " + json + " and " + html + " (" + record.recordsByTable()
                    .values().stream().mapToLong(Long::longValue).sum() + " records, " + record.devices().size()
                    + " devices)");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
