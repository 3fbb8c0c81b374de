package com.pharmabridge.bench.jmh;

import com.pharmabridge.gateway.policy.Permissions;
import com.pharmabridge.gateway.validation.PayloadValidator;
import com.pharmabridge.gateway.validation.ValidationConfig;
import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.EnvelopeDecoder;
import com.pharmabridge.protocol.EnvelopeWriter;
import com.pharmabridge.protocol.MessageType;
import com.pharmabridge.protocol.Sha256;
import com.pharmabridge.protocol.Subjects;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The per-message work of a Publish on the gateway's event loop, piece by piece, on the benchmark's 200-byte
 * telemetry payload: envelope decode, payload schema validation, subject rules, permission matching, the payload
 * digest, and encoding the envelopes the gateway sends back.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HotPathBenchmarks {
    static final String SUBJECT = "factory.bench.l7.d17.temperature";
    static final String PAYLOAD = com.pharmabridge.bench.BenchPayloads.payload(17);

    private final EnvelopeDecoder decoder = new EnvelopeDecoder();
    private final byte[] publish = ("{\"type\":0,\"subject\":\"" + SUBJECT + "\",\"correlationId\":\"c-000042\",\"payload\":"
            + PAYLOAD + "}").getBytes(StandardCharsets.UTF_8);
    private final Envelope decoded = decoder.decode(publish);
    private final byte[] payloadBytes = decoded.payloadBytes();
    private final PayloadValidator validator = PayloadValidator.create(ValidationConfig.defaults());
    private final Permissions permissions = new Permissions(
            List.of("factory.bench.l7.>", "telemetry.bench.l7.>", "alerts.bench.l7.>", "events.bench.l7.>"),
            List.of("commands.l7.d17.>", "commands.l7.*"), List.of("commands.*.secret", "factory.bench.l7.secret.>"));

    @Benchmark
    public Envelope decodePublish() {
        return decoder.decode(publish);
    }

    @Benchmark
    public Object validateSchema() {
        // The production path: the streaming check, falling back to the tree and networknt when not certain.
        return validator.validate(SUBJECT, decoded.frame(), decoded.payloadOffset(), decoded.payloadLength());
    }

    @Benchmark
    public Object decodeAndValidatePublish() {
        // What the gateway does now: the schema checked during the envelope's own parse, then its finding used.
        Envelope envelope = decoder.decode(publish, 0, publish.length, validator.inspector());
        return validator.validate(SUBJECT, envelope.frame(), envelope.payloadOffset(), envelope.payloadLength(),
                envelope.inspection());
    }

    @Benchmark
    public Object validateSchemaTree() {
        // The path before the streaming check: a Jackson tree checked by networknt, for comparison.
        return validator.validateWithoutFastPath(SUBJECT, decoded.frame(), decoded.payloadOffset(),
                decoded.payloadLength());
    }

    @Benchmark
    public String validateSubject() {
        return Subjects.validate(SUBJECT, false);
    }

    @Benchmark
    public boolean canPublish() {
        return permissions.canPublish(SUBJECT);
    }

    @Benchmark
    public boolean canSubscribe() {
        return permissions.canSubscribe("commands.l7.d17.calibrate.*");
    }

    @Benchmark
    public String payloadSha256() {
        return Sha256.hex(payloadBytes);
    }

    @Benchmark
    public String encodeMessage() {
        return EnvelopeWriter.of(MessageType.MESSAGE, payloadBytes.length).subject(SUBJECT)
                .field("timestamp", "2026-01-15T10:30:00.000Z").field("deviceId", "d17").dataPayload(payloadBytes).build();
    }

    @Benchmark
    public String encodeAck() {
        return EnvelopeWriter.of(MessageType.ACK).subject(SUBJECT).correlationId("c-000042")
                .rawPayload("{\"success\":true,\"stream\":\"TELEMETRY\",\"seq\":4711,\"duplicate\":false}").build();
    }
}
