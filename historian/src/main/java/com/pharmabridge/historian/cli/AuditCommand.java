package com.pharmabridge.historian.cli;

import com.pharmabridge.historian.audit.StoredAuditTrail;
import com.pharmabridge.protocol.audit.AuditVerifier;
import com.pharmabridge.protocol.audit.CheckpointKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code historian audit verify}: checks the audit trail the historian keeps. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "The gateways' audit trail, as the historian keeps it.",
        subcommands = {AuditCommand.Verify.class})
final class AuditCommand {

    @Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Recompute every stored audit record's hash, every link of each gateway's chain and every "
                    + "checkpoint signature.", "Exit 0 when intact; 1 naming each altered record, each gap where "
                    + "records were removed, each forged checkpoint."})
    static final class Verify implements Callable<Integer> {
        @Option(names = "--public-key", paramLabel = "[ID=]FILE",
                description = "Checkpoint public key (repeatable); a file alone takes its name up to the first dot "
                        + "as key id, as 'audit keygen' names it")
        List<String> publicKeys = new ArrayList<>();

        @Mixin
        DatabaseOptions database = new DatabaseOptions();

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            AuditVerifier.Report report;
            var keys = CheckpointKeys.read(publicKeys);
            try (DatabaseOptions.Opened opened = database.open(); Connection c = opened.db().admin()) {
                report = StoredAuditTrail.verify(c, keys);
            }
            report.summary().forEach(spec.commandLine().getOut()::println);
            spec.commandLine().getOut().flush();
            return report.ok() ? 0 : 1;
        }
    }
}
