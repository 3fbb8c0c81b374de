package com.pharmabridge.gateway.session;

import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.ProtocolException;
import com.pharmabridge.protocol.Subjects;

/** The checks several handlers share, each throwing the refusal with its wire code. */
final class Checks {
    private Checks() {
    }

    /** A subject to send to: valid, without wildcards. */
    static String literalSubject(Envelope envelope) {
        String subject = envelope.subject();
        String problem = Subjects.validate(subject, false);
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
        if (!session.device().permissions().canPublish(subject)) {
            throw new ProtocolException(ErrorCode.NOT_AUTHORIZED, "Not authorized to publish to " + subject);
        }
    }

    static void withinRate(DeviceSession session, Envelope envelope) {
        long retryAfterMs = session.takeRateToken(envelope.frame().length);
        if (retryAfterMs > 0) {
            throw new DeviceSession.RateLimited(retryAfterMs);
        }
    }

    /** The subject's JSON Schema (and GS1 rules), checked after the rate so floods of bad data still count. */
    static void validPayload(DeviceSession session, String subject, Envelope envelope) {
        if (envelope.hasPayload()) {
            session.services().validator().validate(subject, envelope.frame(), envelope.payloadOffset(),
                    envelope.payloadLength());
        }
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
