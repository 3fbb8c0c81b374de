package com.pharmabridge.gateway.config;

import com.pharmabridge.gateway.auth.JwtTestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The {@code auth.jwt} and {@code tls} keys: defaults, the file and environment forms, and a problem per wrong key. */
class JwtTlsConfigTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "gateway", ".yaml"), text, StandardCharsets.UTF_8);
    }

    private static ConfigException invalid(Path file, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, env));
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e;
    }

    @Test
    void defaultsTurnBothOff() {
        GatewayConfig config = ConfigLoader.load(null, Map.of());
        GatewayConfig.Jwt jwt = config.auth().jwt();
        assertThat(jwt.enabled()).isFalse();
        assertThat(jwt.keys()).isEmpty();
        assertThat(jwt.issuer()).isNull();
        assertThat(jwt.audience()).isNull();
        assertThat(jwt.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        GatewayConfig.Tls tls = config.tls();
        assertThat(tls.enabled()).isFalse();
        assertThat(tls.clientAuth()).isEqualTo(GatewayConfig.ClientAuth.NONE);
        assertThat(tls.deviceIdFromCertificate()).isFalse();
    }

    @Test
    void jwtKeysBindFromTheFileAndFromTheEnvironment() throws Exception {
        Path k1 = JwtTestKeys.writePublicPem(dir, "k1.pem", JwtTestKeys.ec256().getPublic());
        Path k2 = JwtTestKeys.writePublicPem(dir, "k2.pem", JwtTestKeys.ed25519().getPublic());
        GatewayConfig fromFile = ConfigLoader.load(yaml("""
                auth:
                  jwt:
                    enabled: true
                    keys:
                      - kid: k1
                        file: %s
                      - {kid: k2, file: %s}
                    issuer: https://ca.plant
                    audience: pharmabridge
                    clockSkewSeconds: 5
                """.formatted(k1, k2)), Map.of());
        GatewayConfig.Jwt jwt = fromFile.auth().jwt();
        assertThat(jwt.enabled()).isTrue();
        assertThat(jwt.keys()).containsExactly(new GatewayConfig.JwtKey("k1", k1), new GatewayConfig.JwtKey("k2", k2));
        assertThat(jwt.issuer()).isEqualTo("https://ca.plant");
        assertThat(jwt.audience()).isEqualTo("pharmabridge");
        assertThat(jwt.clockSkew()).isEqualTo(Duration.ofSeconds(5));

        GatewayConfig fromEnv = ConfigLoader.load(null, Map.of("AUTH_JWT_ENABLED", "true",
                "AUTH_JWT_KEYS", "k1=" + k1 + ", k2=" + k2));
        assertThat(fromEnv.auth().jwt().keys()).containsExactly(new GatewayConfig.JwtKey("k1", k1),
                new GatewayConfig.JwtKey("k2", k2));
        // The variable replaces a list from the file; a single key's field can be overridden too.
        GatewayConfig both = ConfigLoader.load(yaml("auth: {jwt: {enabled: true, keys: [{kid: k1, file: " + k1 + "}]}}"),
                Map.of("AUTH_JWT_KEYS", "k2=" + k2));
        assertThat(both.auth().jwt().keys()).containsExactly(new GatewayConfig.JwtKey("k2", k2));
        GatewayConfig renamed = ConfigLoader.load(yaml("auth: {jwt: {enabled: true, keys: [{kid: k1, file: " + k1 + "}]}}"),
                Map.of("AUTH_JWT_KEYS_0_KID", "k9"));
        assertThat(renamed.auth().jwt().keys()).containsExactly(new GatewayConfig.JwtKey("k9", k1));
    }

    @Test
    void everyJwtProblemNamesItsKey() throws Exception {
        Path k1 = JwtTestKeys.writePublicPem(dir, "k1.pem", JwtTestKeys.ec256().getPublic());
        Path weak = JwtTestKeys.writePublicPem(dir, "weak.pem", JwtTestKeys.rsa(1024).getPublic());
        ConfigException e = invalid(yaml("""
                auth:
                  jwt:
                    enabled: maybe
                    keys:
                      - {kid: k1, file: %s, secret: x}
                      - {kid: k1, file: %s}
                      - {file: %s}
                      - {kid: k4, file: %s}
                    clockSkewSeconds: -1
                """.formatted(k1, weak, k1, dir.resolve("missing.pem"))), Map.of());
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("auth.jwt.enabled:"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("auth.jwt.keys[0].secret: unknown key"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("auth.jwt.keys[1].kid: key id 'k1' is declared twice"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("auth.jwt.keys[2].kid: is required"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("auth.jwt.clockSkewSeconds:"));

        ConfigException files = invalid(yaml("""
                auth:
                  jwt:
                    enabled: true
                    keys:
                      - {kid: weak, file: %s}
                      - {kid: gone, file: %s}
                """.formatted(weak, dir.resolve("missing.pem"))), Map.of());
        assertThat(files.problems()).anySatisfy(p -> assertThat(p).startsWith("auth.jwt.keys[0].file:")
                .contains("1024-bit RSA key"));
        assertThat(files.problems()).anySatisfy(p -> assertThat(p).startsWith("auth.jwt.keys[1].file:")
                .contains("does not exist"));

        assertThat(invalid(null, Map.of("AUTH_JWT_ENABLED", "true")).problems())
                .contains("auth.jwt.keys: at least one key is required when auth.jwt.enabled is true");
        assertThat(invalid(null, Map.of("AUTH_JWT_ENABLED", "true", "AUTH_JWT_KEYS", "just-a-path")).problems())
                .anySatisfy(p -> assertThat(p).startsWith("auth.jwt.keys[0]: 'just-a-path' is not kid=file"));
        // Disabled: paths are not read, so a template config with placeholders still loads.
        assertThat(ConfigLoader.load(null, Map.of("AUTH_JWT_KEYS", "k=/nowhere.pem")).auth().jwt().enabled()).isFalse();
    }

    @Test
    void tlsBindsAndEveryProblemNamesItsKey() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n");
        GatewayConfig config = ConfigLoader.load(null, Map.of("TLS_ENABLED", "true", "TLS_CERT_FILE", cert.toString(),
                "TLS_KEY_FILE", key.toString(), "TLS_CLIENT_CA", cert.toString(), "TLS_CLIENT_AUTH", "Required",
                "TLS_DEVICE_ID_FROM_CERTIFICATE", "true"));
        assertThat(config.tls()).isEqualTo(new GatewayConfig.Tls(true, cert, key, cert,
                GatewayConfig.ClientAuth.REQUIRED, true));

        ConfigException e = invalid(yaml("""
                tls:
                  enabled: true
                  certFile: %s
                  clientAuth: sometimes
                  deviceIdFromCertificate: true
                  ciphers: all
                """.formatted(key)), Map.of());
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("tls.ciphers: unknown key"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).isEqualTo("tls.certFile: " + key + " holds no PEM CERTIFICATE"));
        assertThat(e.problems()).contains("tls.keyFile: is required when tls.enabled is true");
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("tls.clientAuth: 'sometimes'"));
        assertThat(e.problems()).contains("tls.deviceIdFromCertificate: needs tls.clientAuth request or required");

        ConfigException noCa = invalid(null, Map.of("TLS_ENABLED", "true", "TLS_CERT_FILE", cert.toString(),
                "TLS_KEY_FILE", dir.resolve("nokey.pem").toString(), "TLS_CLIENT_AUTH", "request"));
        assertThat(noCa.problems()).contains("tls.clientCa: required when tls.clientAuth is request");
        assertThat(noCa.problems()).anySatisfy(p -> assertThat(p).startsWith("tls.keyFile: file ").endsWith("does not exist"));
        assertThat(invalid(null, Map.of("TLS_DEVICE_ID_FROM_CERTIFICATE", "true")).problems())
                .contains("tls.deviceIdFromCertificate: needs tls.enabled: true");
    }
}
