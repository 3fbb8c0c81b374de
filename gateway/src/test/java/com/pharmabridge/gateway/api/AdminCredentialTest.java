package com.pharmabridge.gateway.api;

import com.pharmabridge.gateway.config.ConfigException;
import com.pharmabridge.gateway.config.ConfigLoader;
import com.pharmabridge.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The operator's credential: a salted PBKDF2 hash, configured as a hash or a file holding one, never in clear. */
class AdminCredentialTest {
    private static final String PASSWORD = "correct horse battery";

    /** Verifies that a hash matches its password only, and that two hashes of one password differ (salt). */
    @Test
    void aHashMatchesItsPasswordOnly() {
        String hash = AdminCredential.hash(PASSWORD.toCharArray(), 100_000);
        assertThat(AdminCredential.isHash(hash)).isTrue();
        assertThat(hash).startsWith("pbkdf2-sha256$100000$").doesNotContain(PASSWORD);
        assertThat(AdminCredential.matches(PASSWORD.toCharArray(), hash)).isTrue();
        assertThat(AdminCredential.matches("correct horse battery!".toCharArray(), hash)).isFalse();
        assertThat(AdminCredential.matches(PASSWORD.toCharArray(), "pbkdf2-sha256$1$x$y")).isFalse();
        assertThat(AdminCredential.matches(PASSWORD.toCharArray(), null)).isFalse();
        assertThat(AdminCredential.hash(PASSWORD.toCharArray(), 100_000)).isNotEqualTo(hash);
    }

    /** Verifies that the hash may come from a file, which wins over the key, and that no credential means open. */
    @Test
    void theHashComesFromTheKeyOrAFile(@TempDir Path tmp) throws Exception {
        assertThat(ConfigLoader.load(null, Map.of()).admin().configured()).isFalse();
        String hash = AdminCredential.hash(PASSWORD.toCharArray(), 100_000);
        Path file = tmp.resolve("admin-password-hash");
        Files.writeString(file, "\n" + hash + "\n");
        GatewayConfig fromFile = ConfigLoader.load(null, Map.of("ADMIN_PASSWORD_HASH_FILE", file.toString(),
                "ADMIN_PASSWORD_HASH", AdminCredential.hash("another password".toCharArray(), 100_000)));
        assertThat(fromFile.admin().passwordHash()).isEqualTo(hash);
        assertThat(fromFile.admin().toString()).doesNotContain(hash);
        assertThat(ConfigLoader.load(null, Map.of("ADMIN_PASSWORD_HASH", hash)).admin().configured()).isTrue();
    }

    /** Verifies that a password pasted where its hash belongs stops the gateway, and is not repeated. */
    @Test
    void aClearPasswordIsRefusedWithoutBeingRepeated() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("ADMIN_PASSWORD_HASH", PASSWORD)));
        assertThat(e.getMessage()).contains("admin.passwordHash", "hash-password").doesNotContain(PASSWORD);
    }
}
