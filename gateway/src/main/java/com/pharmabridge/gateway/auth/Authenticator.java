package com.pharmabridge.gateway.auth;

import com.pharmabridge.gateway.policy.PermissionResolver;
import com.pharmabridge.gateway.registry.DeviceRecord;
import com.pharmabridge.gateway.registry.DeviceRegistry;
import com.pharmabridge.gateway.registry.DeviceType;
import com.pharmabridge.gateway.registry.TokenHasher;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.ProtocolException;

import java.util.function.Supplier;

/** Checks Auth credentials against the current registry. Unknown device and wrong token fail alike. */
public final class Authenticator {
    /** The only failure text a device ever sees: no hint whether the id or the token was wrong. */
    public static final String FAILURE_MESSAGE = "Invalid credentials";

    private final Supplier<DeviceRegistry> registry;

    public Authenticator(Supplier<DeviceRegistry> registry) {
        this.registry = registry;
    }

    /**
     * @return the device, or throws {@link AuthenticationException} with the reason for the log and audit trail
     */
    public AuthenticatedDevice authenticate(String deviceId, String token, String protocolVersion, String sdkVersion) {
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
                sdkVersion);
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
