package com.pharmabridge.gateway.api;

import com.pharmabridge.gateway.audit.AuditEvent;
import com.pharmabridge.gateway.auth.LoginThrottle;
import com.pharmabridge.gateway.config.GatewayConfig;
import com.pharmabridge.gateway.session.GatewayServices;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * HTTP Basic authentication of the operator in front of the line view, when {@code admin.passwordHash} is configured
 * (without it the view is open, as /metrics and /devices are). The password is checked against its PBKDF2 hash on a
 * worker thread; a verified Authorization header is then remembered for ten minutes by a keyed digest (never the
 * header itself), so the page's updates do not pay the hash each time. Failures count toward a lockout per host and
 * go to the audit trail; neither the password nor the header is ever logged.
 */
final class AdminAuth implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminAuth.class);
    private static final long REMEMBER_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int MAX_REMEMBERED = 256;
    static final String REALM = "PharmaBridge line view";

    private final GatewayServices services;
    private final GatewayConfig.Admin admin;
    private final LoginThrottle throttle;
    private final byte[] key = new byte[32];
    private final Map<String, Long> verified = new ConcurrentHashMap<>();

    AdminAuth(GatewayServices services) {
        this.services = services;
        this.admin = services.config().admin();
        GatewayConfig.Auth auth = services.config().auth();
        this.throttle = new LoginThrottle(auth.maxFailuresPerDevice(), auth.maxFailuresPerHost(), auth.lockoutBase(),
                auth.lockoutMax(), java.time.Clock.systemUTC());
        new SecureRandom().nextBytes(key);
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (!admin.configured()) {
            ctx.next();
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            challenge(ctx);
            return;
        }
        String remembered = digest(header);
        Long until = verified.get(remembered);
        if (until != null && until - System.nanoTime() > 0) {
            ctx.next();
            return;
        }
        String host = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().host();
        String remote = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().toString();
        char[] credentials = decode(header.substring(6).trim());
        int colon = indexOf(credentials, ':');
        String user = colon < 0 ? "" : new String(credentials, 0, colon);
        char[] password = colon < 0 ? new char[0] : java.util.Arrays.copyOfRange(credentials, colon + 1, credentials.length);
        AdminCredential.wipe(credentials);
        if (throttle.isLocked("ui:" + user, host)) {
            AdminCredential.wipe(password);
            refused(ctx, user, remote, "locked out after repeated failures");
            return;
        }
        ctx.vertx().executeBlocking(() -> {
            try {
                // Both checks always run, so a wrong user name takes as long as a wrong password.
                boolean passwordMatches = AdminCredential.matches(password, admin.passwordHash());
                return passwordMatches && MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8),
                        admin.user().getBytes(StandardCharsets.UTF_8));
            } finally {
                AdminCredential.wipe(password);
            }
        }, false).onComplete(result -> {
            if (result.succeeded() && result.result()) {
                throttle.succeeded("ui:" + user);
                if (verified.size() >= MAX_REMEMBERED) {
                    verified.clear();
                }
                verified.put(remembered, System.nanoTime() + REMEMBER_NANOS);
                services.audit().record(new AuditEvent(Instant.now(), AuditEvent.OPERATOR, user, "ui.login",
                        "success", remote, Map.of()));
                ctx.next();
            } else {
                throttle.failed("ui:" + user, host);
                refused(ctx, user, remote, "wrong user name or password");
            }
        });
    }

    private void refused(RoutingContext ctx, String user, String remote, String reason) {
        services.metrics().uiLoginFailed();
        String shown = printable(user);
        LOG.warn("Line view login refused for user '{}' from {}: {}", shown, remote, reason);
        services.audit().recordThrottled("ui-login|" + remote + "|" + shown, new AuditEvent(Instant.now(),
                AuditEvent.OPERATOR, shown, "ui.login", "failure", remote, Map.of("reason", reason)));
        challenge(ctx);
    }

    private static void challenge(RoutingContext ctx) {
        ctx.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"")
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("The line view needs the operator's user name and password (admin.user, admin.passwordHash).\n");
    }

    private String digest(String header) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(key);
            return Base64.getEncoder().encodeToString(sha.digest(header.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static char[] decode(String base64) {
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            java.util.Arrays.fill(bytes, (byte) 0);
            char[] out = new char[chars.remaining()];
            chars.get(out);
            return out;
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return new char[0];
        }
    }

    private static int indexOf(char[] chars, char c) {
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static String printable(String value) {
        String cleaned = value.replaceAll("[^\\x20-\\x7E]", "?");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) + "…" : cleaned;
    }
}
