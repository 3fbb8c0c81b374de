package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * wss from PEM files and client certificates (mTLS), with a test CA that openssl makes in a temporary folder at test
 * time: a plain TLS gateway, and one that requires client certificates and maps their CN to the device id.
 */
class TlsTest {
    private static final String FAILURE = "{\"success\":false,\"code\":\"AUTH_FAILED\",\"message\":\"Invalid credentials\"}";
    private static final char[] PASSWORD = "test".toCharArray();
    @TempDir
    static Path pki;
    private static NatsFixture nats;
    private static GatewayFixture tls;
    private static GatewayFixture mtls;

    @BeforeAll
    static void start() throws Exception {
        ca("ca", "PharmaBridge Test CA");
        ca("rogue-ca", "Someone Else's CA");
        leaf("server", "localhost", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth");
        leaf("sealer-1", "sealer-1", "ca", "extendedKeyUsage=clientAuth");
        leaf("ghost-1", "ghost-1", "ca", "extendedKeyUsage=clientAuth");
        leaf("sealer-3", "sealer-3", "ca", "extendedKeyUsage=clientAuth");
        leaf("rogue-sealer-1", "sealer-1", "rogue-ca", "extendedKeyUsage=clientAuth");

        nats = NatsFixture.start();
        tls = new GatewayFixture(nats.url())
                .with("GATEWAY_ID", "gw-test-tls")
                .with("TLS_ENABLED", "true")
                .with("TLS_CERT_FILE", pki.resolve("server.pem").toString())
                .with("TLS_KEY_FILE", pki.resolve("server.key").toString())
                .device("sealer-1", "sealer", "line1")
                .start();
        mtls = new GatewayFixture(nats.url())
                .with("GATEWAY_ID", "gw-test-mtls")
                .with("TLS_ENABLED", "true")
                .with("TLS_CERT_FILE", pki.resolve("server.pem").toString())
                .with("TLS_KEY_FILE", pki.resolve("server.key").toString())
                .with("TLS_CLIENT_CA", pki.resolve("ca.pem").toString())
                .with("TLS_CLIENT_AUTH", "required")
                .with("TLS_DEVICE_ID_FROM_CERTIFICATE", "true")
                .with("AUTH_MAX_FAILURES_PER_DEVICE", "1000")
                .with("AUTH_MAX_FAILURES_PER_HOST", "100000")
                .device("sealer-1", "sealer", "line1")
                .device("sealer-2", "sealer", "line1")
                .device("sealer-3", "sealer", "line1")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[]{mtls, tls, nats}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    private static URI wss(GatewayFixture gateway) {
        return URI.create("wss://127.0.0.1:" + gateway.port() + "/ws");
    }

    @Test
    void wssWorksWithTheTestCa() throws Exception {
        try (WsDevice device = WsDevice.connect(wss(tls), context(null))) {
            JsonNode answer = device.authenticate("sealer-1", tls.token("sealer-1"));
            assertThat(answer.path("payload").path("success").asBoolean()).as(answer.toString()).isTrue();
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.sealer.temperature\",\"payload\":{\"value\":185.5},"
                    + "\"correlationId\":\"tls-1\"}");
            assertThat(device.awaitCorrelation("tls-1").path("type").asInt()).isEqualTo(6);
        }
        // The HTTP endpoints share the port, so they are behind TLS too.
        HttpResponse<String> health = HttpClient.newBuilder().sslContext(context(null)).build().send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tls.port() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    void plainWsToTheTlsPortAndAnUntrustedServerCertificateFail() {
        // The server reads the upgrade request as a broken TLS record and hangs up without an answer.
        assertThatThrownBy(() -> WsDevice.connect(URI.create("ws://127.0.0.1:" + tls.port() + "/ws")).close())
                .hasRootCauseInstanceOf(java.io.EOFException.class);
        // The JVM's default trust store does not know the test CA.
        assertThatThrownBy(() -> WsDevice.connect(wss(tls), null).close())
                .hasCauseInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void onlyTls12AndNewerAreAccepted() throws Exception {
        String address = "127.0.0.1:" + tls.port();
        assertThat(sClient(address, "-tls1_2")).isZero();
        assertThat(sClient(address, "-tls1_3")).isZero();
        assertThat(sClient(address, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")).isNotZero();
    }

    /** @return openssl s_client's exit code: 0 when the handshake succeeded */
    private static int sClient(String address, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", address,
                "-CAfile", pki.resolve("ca.pem").toString()));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    @Test
    void requiredClientCertificateMissingOrFromAnotherCaFailsTheHandshake() throws Exception {
        assertThatThrownBy(() -> WsDevice.connect(wss(mtls), context(null)).close())
                .hasCauseInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> WsDevice.connect(wss(mtls), context("rogue-sealer-1")).close())
                .hasCauseInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aClientCertificateWhoseCnIsTheDeviceIdStandsInForTheToken() throws Exception {
        try (WsDevice device = WsDevice.connect(wss(mtls), context("sealer-1"))) {
            JsonNode answer = device.authenticate("sealer-1", null);
            assertThat(answer.path("payload").path("success").asBoolean()).as(answer.toString()).isTrue();
            JsonNode info = answer.path("payload").path("device");
            assertThat(info.path("deviceType").asText()).isEqualTo("sealer");
            // Permissions from the registry.
            assertThat(info.path("allowedPublishTopics").toString()).contains("telemetry.line1.>");
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.sealer.temperature\",\"payload\":{\"value\":1},"
                    + "\"correlationId\":\"m-1\"}");
            assertThat(device.awaitCorrelation("m-1").path("type").asInt()).isEqualTo(6);
            device.send("{\"type\":0,\"subject\":\"telemetry.line2.sealer.temperature\",\"payload\":{\"value\":1},"
                    + "\"correlationId\":\"m-2\"}");
            assertThat(device.awaitCorrelation("m-2").path("payload").path("code").asText()).isEqualTo("NOT_AUTHORIZED");
        }
    }

    @Test
    void aCertificateForAnotherOrAnUnregisteredIdIsRefusedLikeAnyBadCredential() throws Exception {
        List<JsonNode> answers = new ArrayList<>();
        // CN sealer-1, Auth as sealer-2 without a token.
        try (WsDevice device = WsDevice.connect(wss(mtls), context("sealer-1"))) {
            answers.add(device.authenticate("sealer-2", null));
            assertThat(device.awaitClose()).isEqualTo(1008);
        }
        // CN ghost-1: signed by the CA, but no such device in the registry.
        try (WsDevice device = WsDevice.connect(wss(mtls), context("ghost-1"))) {
            answers.add(device.authenticate("ghost-1", null));
            assertThat(device.awaitClose()).isEqualTo(1008);
        }
        // A wrong token, for comparison.
        try (WsDevice device = WsDevice.connect(wss(mtls), context("sealer-1"))) {
            answers.add(device.authenticate("sealer-1", "pbt_wrong"));
            assertThat(device.awaitClose()).isEqualTo(1008);
        }
        assertThat(answers.get(0).path("payload")).isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().readTree(FAILURE));
        assertThat(answers).containsOnly(answers.get(0));
    }

    @Test
    void aTokenStillWorksOverMtlsAndDecidesTheIdentity() throws Exception {
        try (WsDevice device = WsDevice.connect(wss(mtls), context("sealer-1"))) {
            JsonNode answer = device.authenticate("sealer-2", mtls.token("sealer-2"));
            assertThat(answer.path("payload").path("device").path("deviceId").asText()).isEqualTo("sealer-2");
        }
        // Without deviceIdFromCertificate (the plain TLS gateway), no token is no login.
        try (WsDevice device = WsDevice.connect(wss(tls), context(null))) {
            assertThat(device.authenticate("sealer-1", null).toString()).contains("AUTH_FAILED");
        }
    }

    @Test
    void revokingACertificateDeviceInTheRegistryEndsItsSession() throws Exception {
        try (WsDevice device = WsDevice.connect(wss(mtls), context("sealer-3"))) {
            assertThat(device.authenticate("sealer-3", null).toString()).contains("\"success\":true");
            mtls.saveRegistry(mtls.registry().revoke("sealer-3"));
            assertThat(device.awaitClose()).isEqualTo(4002);
        }
        try (WsDevice again = WsDevice.connect(wss(mtls), context("sealer-3"))) {
            assertThat(again.authenticate("sealer-3", null).toString()).contains("AUTH_FAILED");
        }
    }

    // ---- test PKI -------------------------------------------------------------------------------------------------

    private static void ca(String name, String subject) throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + subject,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private static void leaf(String name, String commonName, String ca, String extensions) throws Exception {
        Files.writeString(pki.resolve(name + ".ext"), "basicConstraints=CA:FALSE\n" + extensions + "\n");
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-set_serial",
                Long.toString(System.nanoTime()), "-days", "2", "-out", name + ".pem", "-extfile", name + ".ext");
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(pki.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("openssl %s: %s", String.join(" ", args), output).isZero();
    }

    /** Trusts the test CA; presents the client certificate {@code client} (its .pem and .key) unless {@code null}. */
    private static SSLContext context(String client) throws Exception {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", x509.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pki.resolve("ca.pem")))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (client != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            Certificate certificate = x509.generateCertificate(new ByteArrayInputStream(
                    Files.readAllBytes(pki.resolve(client + ".pem"))));
            keys.setKeyEntry("client", privateKey(pki.resolve(client + ".key")), PASSWORD, new Certificate[]{certificate});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static PrivateKey privateKey(Path pem) throws Exception {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String body = text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }
}
