package com.pharmabridge.gateway.auth;

import com.pharmabridge.gateway.registry.DeviceRegistry;
import com.pharmabridge.gateway.registry.DeviceType;
import com.pharmabridge.gateway.registry.DeviceRecord;
import com.pharmabridge.gateway.registry.TokenHasher;
import com.pharmabridge.gateway.auth.AuthenticatedDevice;
import com.pharmabridge.gateway.auth.Authenticator;
import com.pharmabridge.gateway.auth.Authenticator.AuthenticationException;
import com.pharmabridge.protocol.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Auth credentials checked against the registry. (Lives in the registry test package only because the brief
 * restricted new files to config/registry/policy/cli; it tests {@link Authenticator} through its public API.)
 */
class AuthenticatorTest {
    private static final DeviceType SEALER = new DeviceType("sealer",
            List.of("telemetry.${line}.${deviceId}.>"), List.of("commands.${line}.${deviceId}.*"),
            List.of("commands.*.secret"));

    private final AtomicReference<DeviceRegistry> registry = new AtomicReference<>();
    private final Authenticator authenticator = new Authenticator(registry::get);
    private String token;

    @BeforeEach
    void register() {
        DeviceRegistry.Registration reg = DeviceRegistry.empty().withType(SEALER)
                .add("sealer-1", "sealer", Map.of("line", "line1"), List.of("quality.${line}.${deviceId}"),
                        List.of(), List.of());
        registry.set(reg.registry());
        token = reg.token();
    }

    private AuthenticationException refused(String deviceId, String token) {
        AuthenticationException e = catchThrowableOfType(AuthenticationException.class,
                () -> authenticator.authenticate(deviceId, token, "1.0", "sdk-1"));
        assertThat(e).as("expected an AuthenticationException").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
        return e;
    }

    @Test
    void verifiesThatTheRightTokenYieldsTheDeviceWithResolvedPermissions() {
        AuthenticatedDevice device = authenticator.authenticate("sealer-1", token, "1.0", "sdk-1");
        assertThat(device.deviceId()).isEqualTo("sealer-1");
        assertThat(device.deviceType()).isEqualTo("sealer");
        assertThat(device.attributes()).containsExactlyEntriesOf(Map.of("line", "line1"));
        assertThat(device.protocolVersion()).isEqualTo("1.0");
        assertThat(device.sdkVersion()).isEqualTo("sdk-1");
        assertThat(device.permissions().publish())
                .containsExactly("telemetry.line1.sealer-1.>", "quality.line1.sealer-1");
        assertThat(device.permissions().subscribe()).containsExactly("commands.line1.sealer-1.*");
        assertThat(device.permissions().deny()).containsExactly("commands.*.secret");
        assertThat(device.permissions().canPublish("telemetry.line1.sealer-1.temperature")).isTrue();
    }

    @Test
    void verifiesThatUnknownDeviceAndWrongTokenLookTheSameToTheDeviceButNotToOperators() {
        AuthenticationException unknown = refused("sealer-9", token);
        AuthenticationException wrong = refused("sealer-1", TokenHasher.newToken());
        assertThat(unknown.getMessage()).isEqualTo("Invalid credentials").isEqualTo(wrong.getMessage());
        assertThat(unknown.getMessage()).isEqualTo(Authenticator.FAILURE_MESSAGE);
        assertThat(unknown.reason()).isEqualTo("unknown device");
        assertThat(wrong.reason()).isEqualTo("wrong token");
        assertThat(unknown.reason()).isNotEqualTo(wrong.reason());
    }

    @Test
    void verifiesThatARevokedDeviceIsRefusedEvenWithItsToken() {
        registry.set(registry.get().revoke("sealer-1"));
        AuthenticationException e = refused("sealer-1", token);
        assertThat(e.getMessage()).isEqualTo("Invalid credentials");
        assertThat(e.reason()).isEqualTo("device revoked");
    }

    @Test
    void verifiesThatMissingCredentialsAreRefused() {
        assertThat(refused(null, token).getMessage()).isEqualTo("Invalid credentials");
        assertThat(refused("sealer-1", null).getMessage()).isEqualTo("Invalid credentials");
        assertThat(refused(null, null).getMessage()).isEqualTo("Invalid credentials");
        assertThat(refused("sealer-1", "").reason()).isEqualTo("wrong token");
    }

    @Test
    void verifiesThatTheCurrentRegistryIsConsultedOnEveryAttemptSoRotationTakesEffect() {
        DeviceRegistry.Registration rotated = registry.get().rotate("sealer-1");
        registry.set(rotated.registry());
        assertThat(refused("sealer-1", token).reason()).isEqualTo("wrong token");
        assertThat(authenticator.authenticate("sealer-1", rotated.token(), "1.0", null).deviceId()).isEqualTo("sealer-1");
    }

    @Test
    void verifiesThatADeviceWithoutAStoredHashCannotLogIn() {
        DeviceRecord noHash = registry.get().device("sealer-1").withTokenHash(null);
        registry.set(new DeviceRegistry(registry.get().types(), Map.of("sealer-1", noHash)));
        assertThat(refused("sealer-1", token).reason()).isEqualTo("wrong token");
        assertThat(refused("sealer-1", "").reason()).isEqualTo("wrong token");
    }
}
