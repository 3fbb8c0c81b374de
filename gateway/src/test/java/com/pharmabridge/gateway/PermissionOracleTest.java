package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.gateway.policy.DeviceLimits;
import com.pharmabridge.gateway.registry.DeviceType;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.SubjectOracle;
import com.pharmabridge.gateway.testing.WsDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end against a brute-force oracle: every subscription a device asks for over a small alphabet is allowed
 * exactly when the oracle says it lies wholly inside one grant and touches no deny, and no message the device then
 * receives lies outside its grants or inside its denies.
 */
class PermissionOracleTest {
    private static final List<String> GRANTS = List.of("a.*.c", "a.b.>", "x.*");
    private static final List<String> DENIES = List.of("a.b.x", "a.*.c.x");
    private static final List<String> PATTERN_TOKENS = List.of("a", "b", "c", "x", "*", ">");
    private static final List<String> LITERAL_TOKENS = List.of("a", "b", "c", "x", "y");
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .with("JETSTREAM_ENABLED", "false")
                .type(new DeviceType("probe", List.of(), GRANTS, DENIES,
                        new DeviceLimits(1_000_000, 1_000_000, null, 1000, 100_000, null)))
                .device("probe-1", "probe", "line1")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        nats.close();
    }

    @Test
    void subscribeDecisionsAndDeliveriesAgreeWithTheOracle() throws Exception {
        List<String> requests = SubjectOracle.subjects(PATTERN_TOKENS, 3);
        List<String> literals = SubjectOracle.subjects(LITERAL_TOKENS, 4);
        Map<String, Boolean> decided = new HashMap<>();
        try (WsDevice device = gateway.connect("probe-1")) {
            for (int i = 0; i < requests.size(); i++) {
                device.send("{\"type\":1,\"subject\":\"" + requests.get(i) + "\",\"correlationId\":\"r" + i + "\"}");
            }
            for (int i = 0; i < requests.size(); i++) {
                JsonNode answer = device.awaitCorrelation("r" + i);
                decided.put(requests.get(i), answer.path("type").asInt() == 6);
                if (answer.path("type").asInt() == 7) {
                    assertThat(answer.path("payload").path("code").asText()).isEqualTo("NOT_AUTHORIZED");
                }
            }
            for (String request : requests) {
                assertThat(decided.get(request)).as("decision for %s", request).isEqualTo(SubjectOracle.allowsSubscribe(GRANTS, DENIES, request, SubjectOracle.subjects(LITERAL_TOKENS, 5)));
            }
            assertThat(decided.values()).as("the case set has both outcomes").contains(true, false);

            for (String literal : literals) {
                nats.observer().publish(literal, literal.getBytes(StandardCharsets.UTF_8));
            }
            nats.observer().publish("end.marker", new byte[0]);
            nats.observer().flush(Duration.ofSeconds(5));
            long expected = 0;
            for (String literal : literals) {
                for (String request : requests) {
                    if (decided.get(request) && SubjectOracle.matches(request, literal)) {
                        expected++;
                    }
                }
            }
            List<String> received = new ArrayList<>();
            for (long i = 0; i < expected; i++) {
                JsonNode message = device.await(m -> m.path("type").asInt() == 3, Duration.ofSeconds(10));
                received.add(message.path("subject").asText());
            }
            for (String subject : received) {
                assertThat(GRANTS.stream().anyMatch(g -> SubjectOracle.matches(g, subject))).as("%s inside a grant", subject).isTrue();
                assertThat(DENIES.stream().noneMatch(d -> SubjectOracle.matches(d, subject))).as("%s outside the denies", subject).isTrue();
            }
            device.assertNothing(m -> m.path("type").asInt() == 3, Duration.ofMillis(300));
        }
    }
}
