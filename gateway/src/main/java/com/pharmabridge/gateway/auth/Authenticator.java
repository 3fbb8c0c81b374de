package com.pharmabridge.gateway.auth;

import com.pharmabridge.gateway.policy.PermissionResolver;
import com.pharmabridge.gateway.registry.DeviceRecord;
import com.pharmabridge.gateway.registry.DeviceRegistry;
import com.pharmabridge.gateway.registry.DeviceType;
import com.pharmabridge.gateway.registry.TokenHasher;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.ProtocolException;

import java.security.cert.X509Certificate;
import java.util.function.Supplier;

/**
 * Checks Auth credentials: registry tokens against the current registry, signed credentials (JWT) against the
 * configured keys, client certificates against the registry. Every failure looks alike to the device.
 */
public final class Authenticator {
    /** The only failure text a device ever sees: no hint whether the id or the token was wrong. */
    public static final String FAILURE_MESSAGE = "Invalid credentials";

    private final Supplier<DeviceRegistry> registry;
    private final JwtVerifier jwt;

    public Authenticator(Supplier<DeviceRegistry> registry) {
        this(registry, null);
    }

    /** @param jwt verifies signed credentials; {@code null} when they are not accepted */
    public Authenticator(Supplier<DeviceRegistry> registry, JwtVerifier jwt) {
        this.registry = registry;
        this.jwt = jwt;
    }

    /**
     * @return the device, or throws {@link AuthenticationException} with the reason for the log and audit trail
     */
    public AuthenticatedDevice authenticate(String deviceId, String token, String protocolVersion, String sdkVersion) {
        if (jwt != null && JwtVerifier.looksLikeJwt(token)) {
            return authenticateJwt(deviceId, token, protocolVersion, sdkVersion);
        }
        DeviceRegistry current = registry.get();
        DeviceRecord record = deviceId == null ? null : current.device(deviceId);
        boolean tokenOk = TokenHasher.matches(token, record == null ? null : record.tokenHash());
        // Always compare against the previous token too, so timing does not tell whether a rotation is under way.
        boolean previousOk = TokenHasher.matches(token,
                record == null ? null : record.previousTokenHashValidAt(java.time.Instant.now()));
        tokenOk |= previousOk;
        if (record == null) {
            throw new AuthenticationException("unknown device");
        }
        if (!tokenOk) {
            throw new AuthenticationException("wrong token");
        }
        if (record.revoked()) {
            throw new AuthenticationException("device revoked");
        }
        DeviceType type = current.type(record.type());
        return new AuthenticatedDevice(record.id(), record.type(), record.attributes(),
                PermissionResolver.resolve(record, type), type == null ? null : type.limits(), protocolVersion,
                sdkVersion, null);
    }

    /**
     * A signed credential: its claims say who the device is and what it may do; the registry is not needed, but a
     * revocation there still wins. The device type's limits apply when the registry knows the type.
     */
    private AuthenticatedDevice authenticateJwt(String deviceId, String token, String protocolVersion,
                                                String sdkVersion) {
        JwtVerifier.Credential credential = jwt.verify(token, deviceId);
        DeviceRegistry current = registry.get();
        DeviceRecord registered = current.device(credential.deviceId());
        if (registered != null && registered.revoked()) {
            throw new AuthenticationException("device revoked (signed credential)");
        }
        DeviceRecord claimed = new DeviceRecord(credential.deviceId(), credential.type(), credential.attributes(), null,
                credential.publish(), credential.subscribe(), credential.deny(), false, null);
        DeviceType type = current.type(credential.type());
        return new AuthenticatedDevice(credential.deviceId(), credential.type(), credential.attributes(),
                PermissionResolver.resolve(claimed, null), type == null ? null : type.limits(), protocolVersion,
                sdkVersion, credential.expiresAt());
    }

    /**
     * A client certificate, verified by the TLS handshake against the configured CA, stands in for the token when
     * its subject CN is the device id. The device must be registered and not revoked; its permissions come from the
     * registry. Like a token login it has no expiry of its own: the registry decides (a revocation ends the session),
     * and the handshake of every new connection checks the certificate's validity.
     */
    public AuthenticatedDevice authenticateCertificate(String deviceId, X509Certificate certificate,
                                                       String protocolVersion, String sdkVersion) {
        if (certificate == null) {
            throw new AuthenticationException("no token and no client certificate");
        }
        String commonName = CertificateIdentity.commonName(certificate);
        if (commonName == null) {
            throw new AuthenticationException("client certificate has no single subject CN");
        }
        if (deviceId == null || !commonName.equals(deviceId)) {
            throw new AuthenticationException("client certificate CN does not match the device id");
        }
        DeviceRegistry current = registry.get();
        DeviceRecord record = current.device(deviceId);
        if (record == null) {
            throw new AuthenticationException("unknown device (client certificate)");
        }
        if (record.revoked()) {
            throw new AuthenticationException("device revoked (client certificate)");
        }
        DeviceType type = current.type(record.type());
        return new AuthenticatedDevice(record.id(), record.type(), record.attributes(),
                PermissionResolver.resolve(record, type), type == null ? null : type.limits(), protocolVersion,
                sdkVersion, null);
    }

    /** A failed login; {@link #reason()} is for operators only, the device always gets {@link #FAILURE_MESSAGE}. */
    public static final class AuthenticationException extends ProtocolException {
        private final String reason;

        public AuthenticationException(String reason) {
            super(ErrorCode.AUTH_FAILED, FAILURE_MESSAGE);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }
}
