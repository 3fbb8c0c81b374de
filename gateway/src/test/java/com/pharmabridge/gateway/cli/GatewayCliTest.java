package com.pharmabridge.gateway.cli;

import com.pharmabridge.gateway.registry.DeviceRecord;
import com.pharmabridge.gateway.registry.DeviceRegistry;
import com.pharmabridge.gateway.registry.TokenHasher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator's device commands, driven through picocli as from a shell. */
class GatewayCliTest {
    @TempDir
    Path dir;

    private record Result(int exitCode, String out, String err) {
    }

    /** Runs the CLI with System.out/System.err captured (the commands print there directly). */
    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        PrintStream capturedOut = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream capturedErr = new PrintStream(err, true, StandardCharsets.UTF_8);
        int code;
        try {
            System.setOut(capturedOut);
            System.setErr(capturedErr);
            CommandLine cli = GatewayCli.commandLine();
            cli.setOut(new PrintWriter(capturedOut, true));
            cli.setErr(new PrintWriter(capturedErr, true));
            code = cli.execute(args);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        capturedOut.flush();
        capturedErr.flush();
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path registry() {
        return dir.resolve("devices.yaml");
    }

    private Result device(String command, String... args) {
        List<String> all = new ArrayList<>(List.of("device", command, "--registry", registry().toString()));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    private String addSealer(String id) {
        Result r = device("add", "--id", id, "--type", "sealer", "--attr", "line=line1", "--attr", "plant=chicago");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out().strip();
    }

    @Test
    void verifiesThatAddTypeSavesTheTemplates() {
        Result r = device("add-type", "--name", "sealer", "--publish", "telemetry.${line}.${deviceId}.>",
                "--subscribe", "commands.${line}.${deviceId}.*", "--deny", "commands.*.secret");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("sealer");
        var type = DeviceRegistry.load(registry()).type("sealer");
        assertThat(type.publish()).containsExactly("telemetry.${line}.${deviceId}.>");
        assertThat(type.subscribe()).containsExactly("commands.${line}.${deviceId}.*");
        assertThat(type.deny()).containsExactly("commands.*.secret");
    }

    @Test
    void verifiesThatAddPrintsOnlyTheTokenOnStdoutAndStoresItsHash() throws IOException {
        device("add-type", "--name", "sealer", "--publish", "telemetry.${line}.>");
        Result r = device("add", "--id", "sealer-1", "--type", "sealer", "--attr", "line=line1",
                "--publish", "quality.${line}.${deviceId}");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).singleElement().asString().startsWith("pbt_");
        String token = r.out().strip();
        assertThat(r.err()).contains("sealer-1").doesNotContain(token);

        assertThat(Files.readString(registry())).doesNotContain(token);
        DeviceRecord stored = DeviceRegistry.load(registry()).device("sealer-1");
        assertThat(stored.type()).isEqualTo("sealer");
        assertThat(stored.attributes()).containsEntry("line", "line1");
        assertThat(stored.publish()).containsExactly("quality.${line}.${deviceId}");
        assertThat(TokenHasher.matches(token, stored.tokenHash())).isTrue();
    }

    @Test
    void verifiesThatListShowsDevicesButNeverTokensOrHashes() {
        String token = addSealer("sealer-1");
        String hash = DeviceRegistry.load(registry()).device("sealer-1").tokenHash();
        Result r = device("list");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("DEVICE").contains("sealer-1").contains("sealer").contains("active")
                .contains("line=line1");
        assertThat(r.out() + r.err()).doesNotContain(token).doesNotContain(hash).doesNotContain("sha256$");
    }

    @Test
    void verifiesThatRotatePrintsANewTokenAndTheOldOneStopsMatching() {
        String old = addSealer("sealer-1");
        Result r = device("rotate", "--id", "sealer-1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).singleElement().asString().startsWith("pbt_");
        String fresh = r.out().strip();
        assertThat(fresh).isNotEqualTo(old);
        String hash = DeviceRegistry.load(registry()).device("sealer-1").tokenHash();
        assertThat(TokenHasher.matches(fresh, hash)).isTrue();
        assertThat(TokenHasher.matches(old, hash)).isFalse();
    }

    @Test
    void verifiesThatRevokeMarksTheDeviceRevokedAndListShowsIt() {
        addSealer("sealer-1");
        addSealer("sealer-2");
        Result r = device("revoke", "--id", "sealer-1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        DeviceRegistry loaded = DeviceRegistry.load(registry());
        assertThat(loaded.device("sealer-1").revoked()).isTrue();
        assertThat(loaded.device("sealer-2").revoked()).isFalse();
        assertThat(device("list").out().lines().filter(l -> l.startsWith("sealer-1")))
                .singleElement().asString().contains("revoked");
    }

    @Test
    void verifiesThatADuplicateIdExitsWith2AndAnErrorOnStderrLeavingTheRegistryUnchanged() throws IOException {
        String token = addSealer("sealer-1");
        String before = Files.readString(registry());
        Result r = device("add", "--id", "sealer-1", "--type", "sealer");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("error:").contains("sealer-1").contains("already exists");
        assertThat(Files.readString(registry())).isEqualTo(before);
        assertThat(TokenHasher.matches(token, DeviceRegistry.load(registry()).device("sealer-1").tokenHash())).isTrue();
    }

    @Test
    void verifiesThatRotatingAnUnknownDeviceExitsWith2() {
        Result r = device("rotate", "--id", "ghost");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("error:").contains("ghost");
    }

    @Test
    void verifiesThatABrokenRegistryFileExitsWith2NamingTheProblem() throws IOException {
        Files.writeString(registry(), "devices:\n  d1:\n    type: nope\n");
        Result r = device("list");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error:").contains("d1").contains("nope");
    }

    @Test
    void verifiesThatAMissingRequiredOptionIsAUsageError() {
        Result r = device("add", "--type", "sealer");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("--id");
        assertThat(Files.exists(registry())).isFalse();
    }
}
