package com.pharmabridge.sdk;

import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The client over wss:// to a gateway serving TLS from PEM files, with the gateway tests' CA. */
class TlsClientTest {
    @TempDir
    static Path pkiDir;
    private static GatewayTestPki pki;
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        pki = GatewayTestPki.create(pkiDir);
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .with("TLS_ENABLED", "true")
                .with("TLS_CERT_FILE", pki.serverCertificate().toString())
                .with("TLS_KEY_FILE", pki.serverKey().toString())
                .device("tls-1", "sealer", "line1")
                .device("tls-2", "sealer", "line1")
                .device("tls-untrusting", "sealer", "line1")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    private static URI wss() {
        return URI.create("wss://127.0.0.1:" + gateway.port() + "/ws");
    }

    private static DeviceClientOptions.Builder options(String deviceId) {
        return DeviceClientOptions.builder().gatewayUri(wss()).deviceId(deviceId).token(gateway.token(deviceId))
                .reconnect(Duration.ofMillis(100), Duration.ofMillis(500), 0.25);
    }

    @Test
    void verifiesThatTheClientPublishesOverWssWithAContextTrustingTheGatewaysCertificate() throws Exception {
        try (DeviceClient client = DeviceClient.connect(options("tls-1").sslContext(pki.trustingContext()).build())) {
            assertThat(client.awaitAuthenticated(Duration.ofSeconds(10))).isTrue();
            PublishAck ack = client.publish("telemetry.line1.tls-1.temperature", "{\"value\":185.5,\"unit\":\"C\"}")
                    .get(10, TimeUnit.SECONDS);
            assertThat(ack.stream()).isEqualTo("TELEMETRY");
            assertThat(client.metrics().acknowledged()).isEqualTo(1);
        }
    }

    @Test
    void verifiesThatClientsSharingResourcesShareOneHttpClientPerSslContext() throws Exception {
        try (ClientResources shared = ClientResources.create("tls-test", 1)) {
            try (DeviceClient a = DeviceClient.connect(options("tls-1").sslContext(pki.trustingContext())
                    .resources(shared).build());
                 DeviceClient b = DeviceClient.connect(options("tls-2").sslContext(pki.trustingContext())
                         .resources(shared).build())) {
                assertThat(a.awaitAuthenticated(Duration.ofSeconds(10))).isTrue();
                assertThat(b.awaitAuthenticated(Duration.ofSeconds(10))).isTrue();
                a.publish("telemetry.line1.tls-1.t", "{\"value\":1}").get(10, TimeUnit.SECONDS);
                b.publish("telemetry.line1.tls-2.t", "{\"value\":2}").get(10, TimeUnit.SECONDS);
                assertThat(shared.httpClientCount()).isEqualTo(1);
                assertThat(shared.httpClient(pki.trustingContext())).isSameAs(shared.httpClient(pki.trustingContext()));
                assertThat(shared.httpClient(null)).isNotSameAs(shared.httpClient(pki.trustingContext()));
                assertThat(shared.httpClientCount()).isEqualTo(2);
            }
        }
    }

    @Test
    void verifiesThatWithoutTrustInTheTestCaTheClientNeverAuthenticatesAndKeepsRetrying() throws Exception {
        List<String> details = new CopyOnWriteArrayList<>();
        try (DeviceClient client = DeviceClient.connect(options("tls-untrusting").listener(new ConnectionListener() {
            @Override
            public void onEvent(Event event, String detail) {
                if (event == Event.RECONNECTING) {
                    details.add(detail);
                }
            }
        }).build())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> details.size() >= 2);
            assertThat(client.isAuthenticated()).isFalse();
            assertThat(details.get(0)).containsIgnoringCase("certif");
        }
    }
}
