package com.pharmabridge.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.gateway.auth.AuthenticatedDevice;
import com.pharmabridge.gateway.audit.AuditEvent;
import com.pharmabridge.gateway.auth.Authenticator;
import com.pharmabridge.protocol.CloseCode;
import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.EnvelopeWriter;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.MessageType;
import com.pharmabridge.protocol.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Auth (8): checks the credentials (a registry token, a signed credential, or with {@code tls.deviceIdFromCertificate}
 * and no token the client certificate), claims the device id (closing an older session of it) and answers.
 */
final class AuthHandler implements InboundHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AuthHandler.class);

    @Override
    public void handle(DeviceSession session, Envelope envelope) {
        if (session.device() != null) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "Already authenticated on this connection");
        }
        JsonNode payload = Payloads.tree(envelope);
        String deviceId = Payloads.text(payload, "deviceId");
        String token = Payloads.text(payload, "token");
        GatewayServices services = session.services();
        AuthenticatedDevice device;
        String host = session.remoteHost();
        try {
            if (services.loginThrottle().isLocked(deviceId, host)) {
                // Refused unread; not counted, or a device retrying politely would never get back in.
                throw new Authenticator.AuthenticationException("locked out after repeated failures");
            }
            try {
                String protocolVersion = Payloads.text(payload, "protocolVersion");
                String sdkVersion = Payloads.text(payload, "sdkVersion");
                if ((token == null || token.isEmpty()) && services.config().tls().deviceIdFromCertificate()) {
                    // mTLS: the verified client certificate whose CN is the device id stands in for the token.
                    device = services.authenticator().authenticateCertificate(deviceId, session.clientCertificate(),
                            protocolVersion, sdkVersion);
                } else {
                    device = services.authenticator().authenticate(deviceId, token, protocolVersion, sdkVersion);
                }
            } catch (Authenticator.AuthenticationException e) {
                services.loginThrottle().failed(deviceId, host);
                throw e;
            }
            services.loginThrottle().succeeded(deviceId);
        } catch (Authenticator.AuthenticationException e) {
            services.metrics().auth(false);
            services.metrics().error(ErrorCode.AUTH_FAILED);
            LOG.warn("Login refused for device id '{}' from {}: {}", printable(deviceId), session.remoteAddress(),
                    e.reason());
            // Throttled per host and id: a password-guessing storm is recorded with its count, not line by line.
            services.audit().recordThrottled("login|" + host,
                    AuditEvent.device(printable(deviceId), "auth.login", "failure", session.remoteAddress(),
                            java.util.Map.of("reason", e.reason())));
            session.send(MessageType.AUTH, EnvelopeWriter.of(MessageType.AUTH).correlationId(envelope.correlationId())
                    .rawPayload("{\"success\":false,\"code\":\"AUTH_FAILED\",\"message\":\""
                            + Authenticator.FAILURE_MESSAGE + "\"}")
                    .build());
            session.close(CloseCode.POLICY_VIOLATION, Authenticator.FAILURE_MESSAGE);
            return;
        }
        services.metrics().auth(true);
        session.authenticated(device);
        DeviceSession replaced = services.sessions().claim(device.deviceId(), session);
        if (replaced != null) {
            replaced.onContext(() -> replaced.close(CloseCode.SESSION_REPLACED, "Replaced by a newer login of "
                    + device.deviceId()));
        }
        LOG.info("Device {} ({}) authenticated from {}", device.deviceId(), device.deviceType(), session.remoteAddress());
        java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("deviceType", device.deviceType());
        if (replaced != null) {
            details.put("replacedSession", true);
        }
        services.audit().record(AuditEvent.device(device.deviceId(), "auth.login", "success", session.remoteAddress(),
                details));
        session.send(MessageType.AUTH, EnvelopeWriter.of(MessageType.AUTH).correlationId(envelope.correlationId())
                .rawPayload(successPayload(device, session))
                .build());
    }

    private static String successPayload(AuthenticatedDevice device, DeviceSession session) {
        StringBuilder out = new StringBuilder(256).append("{\"success\":true,\"device\":{\"deviceId\":");
        EnvelopeWriter.quote(out, device.deviceId()).append(",\"deviceType\":");
        EnvelopeWriter.quote(out, device.deviceType()).append(",\"connectedAt\":");
        EnvelopeWriter.quote(out, session.authenticatedAt().toString()).append(",\"allowedPublishTopics\":");
        list(out, device.permissions().publish()).append(",\"allowedSubscribeTopics\":");
        list(out, device.permissions().subscribe()).append("}}");
        return out.toString();
    }

    private static StringBuilder list(StringBuilder out, java.util.List<String> values) {
        out.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            EnvelopeWriter.quote(out, values.get(i));
        }
        return out.append(']');
    }

    /** Device ids in logs come from untrusted input: keep them short and printable, and never a token. */
    private static String printable(String value) {
        if (value == null) {
            return "(none)";
        }
        if (com.pharmabridge.gateway.registry.TokenHasher.looksLikeToken(value)) {
            return "(a token, sent as the device id; not shown)";
        }
        String cleaned = value.replaceAll("[^\\x20-\\x7E]", "?");
        return cleaned.length() > 128 ? cleaned.substring(0, 128) + "…" : cleaned;
    }
}
