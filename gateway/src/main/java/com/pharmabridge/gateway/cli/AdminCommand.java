package com.pharmabridge.gateway.cli;

import com.pharmabridge.gateway.api.AdminCredential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** The operator's credential for the line view: only its hash goes into the configuration. */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "The operator's credential for the line view (/ui).",
        subcommands = {AdminCommand.HashPassword.class})
final class AdminCommand {

    @Command(name = "hash-password", mixinStandardHelpOptions = true,
            description = {"Read a password (asked for on the terminal, or one line on standard input) and print its "
                    + "PBKDF2 hash for admin.passwordHash or a file named by admin.passwordHashFile.",
                    "The password itself is never stored or printed."})
    static final class HashPassword implements Callable<Integer> {
        @Option(names = "--iterations", description = "PBKDF2 iterations (default ${DEFAULT-VALUE})")
        int iterations = AdminCredential.DEFAULT_ITERATIONS;

        @Override
        public Integer call() throws IOException {
            char[] password;
            if (System.console() != null) {
                password = System.console().readPassword("Password for the line view: ");
                char[] again = System.console().readPassword("Again: ");
                if (password == null || !Arrays.equals(password, again)) {
                    System.err.println("error: the two entries differ");
                    return 2;
                }
                Arrays.fill(again, '\0');
            } else {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                password = line == null ? new char[0] : line.toCharArray();
            }
            if (password.length < 12) {
                System.err.println("error: use a password of at least 12 characters");
                return 2;
            }
            if (iterations < 100_000) {
                System.err.println("error: --iterations below 100000 is too weak for a person's password");
                return 2;
            }
            System.out.println(AdminCredential.hash(password, iterations));
            Arrays.fill(password, '\0');
            return 0;
        }
    }
}
