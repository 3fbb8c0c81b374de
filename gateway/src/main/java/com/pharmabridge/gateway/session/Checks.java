package com.pharmabridge.gateway.session;

import com.pharmabridge.gateway.metrics.GatewayMetrics;
import com.pharmabridge.gateway.validation.CheckedPayload;
import com.pharmabridge.gateway.validation.PayloadValidator;
import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.ProtocolException;
import com.pharmabridge.protocol.RecentSubjects;
import com.pharmabridge.protocol.Subjects;

/** The checks several handlers share, each throwing the refusal with its wire code. */
final class Checks {
    private Checks() {
    }

    /** What {@link Subjects#validate} says of recent literal subjects (null: valid); 3-4 % of a loop per message. */
    private static final RecentSubjects<String> LITERAL_SUBJECT_PROBLEMS = new RecentSubjects<>(4096);
    private static final java.util.function.Function<String, String> VALIDATE_LITERAL =
            subject -> Subjects.validate(subject, false);

    /** A subject to send to: valid, without wildcards. */
    static String literalSubject(Envelope envelope) {
        String subject = envelope.subject();
        String problem = subject == null ? Subjects.validate(null, false)
                : LITERAL_SUBJECT_PROBLEMS.get(subject, VALIDATE_LITERAL);
        if (problem != null) {
            throw new ProtocolException(ErrorCode.INVALID_SUBJECT, problem);
        }
        return subject;
    }

    /** A subject to subscribe to: valid, wildcards allowed. */
    static String subjectPattern(Envelope envelope) {
        String subject = envelope.subject();
        String problem = Subjects.validate(subject, true);
        if (problem != null) {
            throw new ProtocolException(ErrorCode.INVALID_SUBJECT, problem);
        }
        return subject;
    }

    static void mayPublish(DeviceSession session, String subject) {
        mayPublish(session, subject, GatewayMetrics.Action.PUBLISH);
    }

    /** A Request needs the right to publish to its subject. */
    static void mayRequest(DeviceSession session, String subject) {
        mayPublish(session, subject, GatewayMetrics.Action.REQUEST);
    }

    private static void mayPublish(DeviceSession session, String subject, GatewayMetrics.Action action) {
        boolean allowed = session.device().permissions().canPublish(subject);
        session.services().metrics().authorization(action, allowed);
        if (!allowed) {
            throw new ProtocolException(ErrorCode.NOT_AUTHORIZED, "Not authorized to publish to " + subject);
        }
    }

    static void maySubscribe(DeviceSession session, String subject) {
        boolean allowed = session.device().permissions().canSubscribe(subject);
        session.services().metrics().authorization(GatewayMetrics.Action.SUBSCRIBE, allowed);
        if (!allowed) {
            throw new ProtocolException(ErrorCode.NOT_AUTHORIZED, "Not authorized to subscribe to " + subject);
        }
    }

    /** A Reply only to a replyTo this device was given, once, within the request timeout. */
    static void mayReply(DeviceSession session, String subject) {
        boolean allowed = session.consumeReplySubject(subject);
        session.services().metrics().authorization(GatewayMetrics.Action.REPLY, allowed);
        if (!allowed) {
            throw new ProtocolException(ErrorCode.NOT_AUTHORIZED,
                    "Reply subject " + subject + " was not given to this device, or its request has expired");
        }
    }

    static void withinRate(DeviceSession session, Envelope envelope) {
        long retryAfterMs = session.takeRateToken(envelope.frame().length);
        if (retryAfterMs > 0) {
            throw new DeviceSession.RateLimited(retryAfterMs);
        }
    }

    /**
     * A batch event moves the batch stamped on a whole line's data: a device bound to a line (and plant) may only
     * name its own in one, or one line could take over another's batch.
     */
    static void ownLineInBatchEvent(DeviceSession session, String subject, Envelope envelope,
                                    CheckedPayload parsed) {
        if (!subject.startsWith("batch.")) {
            return;
        }
        java.util.Map<String, String> attributes = session.device().attributes();
        for (String field : new String[]{"line", "plant"}) {
            String own = attributes.get(field);
            String named = Payloads.topLevelString(envelope, parsed, field);
            if (own != null && named != null && !own.equals(named)) {
                throw new ProtocolException(ErrorCode.NOT_AUTHORIZED, "A batch event of " + session.deviceId()
                        + " may only name its own " + field + " (" + own + ")");
            }
        }
    }

    /**
     * The subject's JSON Schema (and GS1 rules), checked after the rate so floods of bad data still count.
     *
     * @return the payload as the validator checked it, or {@code null} when no rule applies to the subject
     */
    static CheckedPayload validPayload(DeviceSession session, String subject, Envelope envelope) {
        if (envelope.hasPayload()) {
            try {
                return session.services().validator().validate(subject, envelope.frame(), envelope.payloadOffset(),
                        envelope.payloadLength(), envelope.inspection());
            } catch (PayloadValidator.Refused refused) {
                session.services().metrics().validationRefused(refused.reason());
                throw refused;
            }
        }
        return null;
    }

    static void hasPayload(Envelope envelope) {
        if (!envelope.hasPayload()) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "Missing field 'payload'");
        }
    }

    static String correlationId(Envelope envelope) {
        if (envelope.correlationId() == null || envelope.correlationId().isEmpty()) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "Missing field 'correlationId'");
        }
        return envelope.correlationId();
    }
}
