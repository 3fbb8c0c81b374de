package com.pharmabridge.gateway.cli;

import com.pharmabridge.gateway.audit.AuditTrail;
import com.pharmabridge.gateway.auth.PemKeys;
import com.pharmabridge.protocol.audit.AuditVerifier;
import com.pharmabridge.protocol.audit.CheckpointKeys;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code audit keygen} and {@code audit verify}: the signing key of checkpoints, and checking a trail. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "The tamper-evident audit trail.",
        subcommands = {AuditCommand.Keygen.class, AuditCommand.Verify.class})
final class AuditCommand {

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Create an Ed25519 key pair for signing checkpoints: {id}.key.pem (private, mode 600; "
                    + "give it to the gateway as audit.signingKeyFile) and {id}.pub.pem (publish it; verifiers use it).")
    static final class Keygen implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "Directory to write the two files to")
        Path out;

        @Option(names = "--id", defaultValue = "audit-1", description = "Key id (default ${DEFAULT-VALUE})")
        String id;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new IllegalArgumentException("--id: letters, digits, _ and - only");
            }
            Files.createDirectories(out);
            Path privateFile = out.resolve(id + ".key.pem");
            Path publicFile = out.resolve(id + ".pub.pem");
            if (Files.exists(privateFile)) {
                throw new IllegalStateException(privateFile + " exists; not overwriting a signing key");
            }
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Files.writeString(privateFile, PemKeys.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            try {
                Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the operator protects it
            }
            Files.writeString(publicFile, PemKeys.pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            spec.commandLine().getOut().println("Wrote " + privateFile + " and " + publicFile
                    + "; set audit.signingKeyFile (AUDIT_SIGNING_KEY_FILE) to the first, key id " + id);
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Recompute every record's hash, every link of each gateway's chain and every checkpoint "
                    + "signature of the AUDIT stream; exit 0 when intact, 1 naming each altered record, gap or "
                    + "forged checkpoint.")
    static final class Verify implements Callable<Integer> {
        @Option(names = "--nats-url", defaultValue = "nats://127.0.0.1:4222", description = "NATS server (default ${DEFAULT-VALUE})")
        String natsUrl;

        @Option(names = "--public-key", description = "Checkpoint public key(s) as id=file.pub.pem (repeatable); "
                + "a file alone takes its name up to the first dot as id")
        List<String> publicKeys = new ArrayList<>();

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            AuditVerifier verifier = new AuditVerifier(CheckpointKeys.read(publicKeys));
            List<String> records;
            try (Connection nats = Nats.connect(new Options.Builder().server(natsUrl).connectionName("audit-verify")
                    .connectionTimeout(Duration.ofSeconds(5)).build())) {
                records = readStream(nats);
            }
            AuditVerifier.Report report = verifier.verify(records);
            print(report, spec.commandLine().getOut());
            return report.ok() ? 0 : 1;
        }
    }

    static void print(AuditVerifier.Report report, java.io.PrintWriter out) {
        report.summary().forEach(out::println);
        out.flush();
    }

    /** Every record of the AUDIT stream; a message holds one or more records, one per line. */
    static List<String> readStream(Connection nats) throws Exception {
        JetStreamSubscription sub = nats.jetStream().subscribe("audit.>", PullSubscribeOptions.builder()
                .stream(AuditTrail.STREAM).configuration(ConsumerConfiguration.builder()
                        .deliverPolicy(DeliverPolicy.All).ackPolicy(AckPolicy.None).build()).build());
        List<String> records = new ArrayList<>();
        try {
            List<Message> batch;
            while (!(batch = sub.fetch(1000, Duration.ofSeconds(1))).isEmpty()) {
                for (Message m : batch) {
                    for (String line : new String(m.getData(), StandardCharsets.UTF_8).split("\n")) {
                        if (!line.isBlank()) {
                            records.add(line);
                        }
                    }
                }
            }
        } finally {
            sub.unsubscribe();
        }
        return records;
    }
}
