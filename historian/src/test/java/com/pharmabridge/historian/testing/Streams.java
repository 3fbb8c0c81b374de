package com.pharmabridge.historian.testing;

import com.pharmabridge.historian.ingest.RecordMapper;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Streams and messages as the gateway makes them, published straight to JetStream. */
public final class Streams {
    private Streams() {
    }

    public static void create(Connection nc, String name, String... subjects) throws IOException, JetStreamApiException {
        nc.jetStreamManagement().addStream(StreamConfiguration.builder().name(name).subjects(subjects)
                .storageType(StorageType.File).build());
    }

    /** Headers the gateway would set for a publish by {@code sealer-1}. */
    public static Headers gatewayHeaders(byte[] payload, String batchId) {
        Headers h = new Headers()
                .put("Device-Id", "sealer-1")
                .put("Device-Type", "blister-sealer")
                .put("Gateway-Id", "gw-test")
                .put("Received-At", Instant.now().toString())
                .put("Device-Timestamp", Instant.now().minusMillis(40).toString())
                .put("Payload-SHA256", HexFormat.of().formatHex(RecordMapper.sha256(payload)));
        if (batchId != null) {
            h.put("Batch-Id", batchId);
        }
        return h;
    }

    /** Publishes {@code count} readings numbered from {@code first} and waits for JetStream to store them all. */
    public static List<PublishAck> publishReadings(Connection nc, String subject, int first, int count)
            throws Exception {
        JetStream js = nc.jetStream();
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            byte[] payload = ("{\"reading\":" + i + ",\"unit\":\"C\"}").getBytes(StandardCharsets.UTF_8);
            acks.add(js.publishAsync(NatsMessage.builder().subject(subject).headers(gatewayHeaders(payload, "B-" + (i % 3)))
                    .data(payload).build()));
        }
        List<PublishAck> done = new ArrayList<>();
        for (CompletableFuture<PublishAck> ack : acks) {
            done.add(ack.get());
        }
        return done;
    }
}
