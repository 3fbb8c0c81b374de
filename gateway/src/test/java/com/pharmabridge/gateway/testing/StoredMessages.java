package com.pharmabridge.gateway.testing;

import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads back what a stream really holds, for comparing with what devices were told was stored. */
public final class StoredMessages {
    private StoredMessages() {
    }

    /** @return how many times each Correlation-Id header occurs among the stored messages on {@code subjects} */
    public static Map<String, Integer> correlationIdCounts(Connection connection, String subjects) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (Message m : all(connection, subjects)) {
            String id = m.getHeaders() == null ? null : m.getHeaders().getFirst("Correlation-Id");
            counts.merge(String.valueOf(id), 1, Integer::sum);
        }
        return counts;
    }

    /** @return every stored message on {@code subjects} (one stream), in stream order */
    public static List<Message> all(Connection connection, String subjects) throws Exception {
        JetStreamSubscription sub = connection.jetStream().subscribe(subjects, PullSubscribeOptions.builder()
                .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.All)
                        .ackPolicy(AckPolicy.None).build()).build());
        List<Message> messages = new ArrayList<>();
        try {
            List<Message> batch;
            while (!(batch = sub.fetch(1000, Duration.ofSeconds(1))).isEmpty()) {
                messages.addAll(batch);
            }
        } finally {
            sub.unsubscribe();
        }
        return messages;
    }
}
