package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.gateway.cli.GatewayCli;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Verifies that registry edits made with the CLI while the gateway runs take effect without a restart. */
class RegistryChangesTest {
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .device("sealer-revoked", "sealer", "line1")
                .device("sealer-rotated", "sealer", "line1")
                .device("sealer-overlap", "sealer", "line1")
                .device("sealer-guessed", "sealer", "line1")
                .with("AUTH_MAX_FAILURES_PER_DEVICE", "3")
                .with("AUTH_LOCKOUT_BASE_SECONDS", "1")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        nats.close();
    }

    @Test
    void revokingAConnectedDeviceClosesItsSessionWith4002AndRefusesItsNextLogin() throws Exception {
        try (WsDevice device = gateway.connect("sealer-revoked")) {
            assertThat(cli("device", "revoke", "--registry", gateway.registryFile().toString(), "--id", "sealer-revoked"))
                    .isEmpty();
            assertThat(device.awaitClose()).isEqualTo(4002);
        }
        try (WsDevice again = WsDevice.connect(gateway.wsUri())) {
            JsonNode answer = again.authenticate("sealer-revoked", gateway.token("sealer-revoked"));
            assertThat(answer.path("payload").path("code").asText()).isEqualTo("AUTH_FAILED");
            assertThat(again.awaitClose()).isEqualTo(1008);
        }
    }

    @Test
    void rotatedTokenReplacesTheOldOneOnceTheRegistryIsReloaded() throws Exception {
        String newToken = cli("device", "rotate", "--registry", gateway.registryFile().toString(), "--id", "sealer-rotated")
                .trim();
        assertThat(newToken).startsWith("pbt_");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (WsDevice device = WsDevice.connect(gateway.wsUri())) {
                assertThat(device.authenticate("sealer-rotated", newToken).path("payload").path("success").asBoolean())
                        .isTrue();
            }
        });
        try (WsDevice old = WsDevice.connect(gateway.wsUri())) {
            assertThat(old.authenticate("sealer-rotated", gateway.token("sealer-rotated"))
                    .path("payload").path("success").asBoolean()).isFalse();
        }
    }

    @Test
    void rotationWithOverlapKeepsBothTokensValidDuringTheOverlap() throws Exception {
        String newToken = cli("device", "rotate", "--registry", gateway.registryFile().toString(), "--id",
                "sealer-overlap", "--overlap", "600").trim();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (WsDevice device = WsDevice.connect(gateway.wsUri())) {
                assertThat(device.authenticate("sealer-overlap", newToken).path("payload").path("success").asBoolean())
                        .isTrue();
            }
        });
        try (WsDevice old = WsDevice.connect(gateway.wsUri())) {
            assertThat(old.authenticate("sealer-overlap", gateway.token("sealer-overlap"))
                    .path("payload").path("success").asBoolean()).as("old token within the overlap").isTrue();
        }
    }

    @Test
    void repeatedWrongTokensLockTheDeviceOutWithTheSameAnswerAndTheLockoutEnds() throws Exception {
        String refusal = null;
        for (int i = 0; i < 3; i++) {
            try (WsDevice guesser = WsDevice.connect(gateway.wsUri())) {
                refusal = guesser.authenticate("sealer-guessed", "pbt_wrong" + i).toString();
            }
        }
        try (WsDevice owner = WsDevice.connect(gateway.wsUri())) {
            JsonNode answer = owner.authenticate("sealer-guessed", gateway.token("sealer-guessed"));
            assertThat(answer.toString()).as("locked out, and told exactly what a wrong token is told").isEqualTo(refusal);
            assertThat(owner.awaitClose()).isEqualTo(1008);
        }
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            try (WsDevice owner = WsDevice.connect(gateway.wsUri())) {
                assertThat(owner.authenticate("sealer-guessed", gateway.token("sealer-guessed"))
                        .path("payload").path("success").asBoolean()).isTrue();
            }
        });
    }

    /** Runs the operator CLI in-process and returns what it printed on stdout. */
    private static String cli(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(GatewayCli.commandLine().execute(args)).isZero();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
