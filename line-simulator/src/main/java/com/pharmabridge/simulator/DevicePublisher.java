package com.pharmabridge.simulator;

import com.pharmabridge.sdk.DeviceClient;
import com.pharmabridge.sdk.DeviceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes a simulated device's readings through its {@link DeviceClient} with confirmation, stamps each payload
 * with the simulated time it was taken at ({@code "time"}), and keeps the run's totals. The SDK keeps every reading
 * until the gateway acknowledges it, across outages; only a refusal the gateway will not change its mind about ends
 * a reading, and that is logged (once per device and code at WARN) and counted.
 */
final class DevicePublisher {
    private static final Logger LOG = LoggerFactory.getLogger(DevicePublisher.class);
    // Always three fraction digits: ISO_INSTANT drops them on whole seconds, and historians parse one shape.
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final String deviceId;
    private final DeviceClient client;
    private final SimulatorCounters counters;
    private final Set<String> reportedCodes = ConcurrentHashMap.newKeySet();

    DevicePublisher(String deviceId, DeviceClient client, SimulatorCounters counters) {
        this.deviceId = deviceId;
        this.client = client;
        this.counters = counters;
    }

    DeviceClient client() {
        return client;
    }

    /** Publishes {@code reading} taken at simulated time {@code time}; returns at once. */
    void publish(Reading reading, Instant time) {
        String payload = withTime(reading.payload(), time);
        DataStream stream = DataStream.of(reading.subject());
        counters.published.increment();
        client.publish(reading.subject(), payload).whenComplete((ack, error) -> {
            if (error == null) {
                counters.acknowledged.increment();
                counters.acknowledgedByStream.get(stream).increment();
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            String code = cause instanceof DeviceException de ? de.code() : cause.getClass().getSimpleName();
            if (DeviceException.CLOSED.equals(code)) {
                return; // the simulator is stopping; the reading stays in the device's offline store
            }
            counters.refused.increment();
            if (reportedCodes.add(code)) {
                LOG.warn("Device {}: {} refused with {}: {}", deviceId, reading.subject(), code, cause.getMessage());
            } else {
                LOG.debug("Device {}: {} refused with {}", deviceId, reading.subject(), code);
            }
        });
    }

    static String format(Instant time) {
        return TIME.format(time);
    }

    /** Adds {@code "time"} as the last field of a flat JSON object written by {@link JsonPayload}. */
    static String withTime(String payload, Instant time) {
        StringBuilder out = new StringBuilder(payload.length() + 40).append(payload, 0, payload.length() - 1);
        if (payload.length() > 2) {
            out.append(',');
        }
        return out.append("\"time\":\"").append(TIME.format(time)).append("\"}").toString();
    }
}
