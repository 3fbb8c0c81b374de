package com.pharmabridge.simulator;

import com.pharmabridge.protocol.EnvelopeWriter;
import com.pharmabridge.protocol.MessageType;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The envelopes a simulated device sends, as raw JSON text of the device protocol. */
final class DeviceMessages {
    static final String PROTOCOL_VERSION = "1.0";
    static final String SDK_VERSION = "java-sim/0.1";
    // Always three fraction digits: ISO_INSTANT would drop them on whole seconds, and historians parse one shape.
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private DeviceMessages() {
    }

    static String auth(SimulatedDevice device) {
        return EnvelopeWriter.of(MessageType.AUTH).rawPayload(JsonPayload.object()
                .text("deviceId", device.deviceId())
                .text("token", device.token())
                .text("deviceType", device.equipment().subjectToken())
                .text("protocolVersion", PROTOCOL_VERSION)
                .text("sdkVersion", SDK_VERSION)
                .build()).build();
    }

    /** A Publish with a correlation id (so the gateway acks it) and the device's own clock as timestamp. */
    static String publish(Reading reading, String correlationId, Instant deviceTime) {
        return EnvelopeWriter.of(MessageType.PUBLISH, reading.payload().length())
                .subject(reading.subject())
                .rawPayload(reading.payload())
                .correlationId(correlationId)
                .field("timestamp", TIMESTAMP.format(deviceTime))
                .build();
    }
}
