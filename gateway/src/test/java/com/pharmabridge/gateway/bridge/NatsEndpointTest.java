package com.pharmabridge.gateway.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which nats.url values the event loops' own connections take, and how they log in; everything else is jnats'. */
class NatsEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void plainUrlWithAndWithoutPort() {
        assertThat(NatsEndpoint.parse("nats://127.0.0.1:4223")).isEqualTo(new NatsEndpoint("127.0.0.1", 4223, null, null, null));
        assertThat(NatsEndpoint.parse("nats://nats.plant.local")).isEqualTo(new NatsEndpoint("nats.plant.local", 4222, null, null, null));
        assertThat(NatsEndpoint.parse("  NATS://Host:4222  ")).isEqualTo(new NatsEndpoint("Host", 4222, null, null, null));
    }

    @Test
    void everythingOnlyJnatsDoesFallsBack() {
        assertThat(NatsEndpoint.parse(null)).isNull();
        assertThat(NatsEndpoint.parse("nats://a:4222,nats://b:4222")).isNull();
        assertThat(NatsEndpoint.parse("nats://a:4222, nats://b:4222")).isNull();
        assertThat(NatsEndpoint.parse("tls://nats.plant.local:4222")).isNull();
        assertThat(NatsEndpoint.parse("ws://nats.plant.local:8080")).isNull();
        assertThat(NatsEndpoint.parse("wss://nats.plant.local:443")).isNull();
        assertThat(NatsEndpoint.parse("opentls://nats.plant.local:4222")).isNull();
        assertThat(NatsEndpoint.parse("localhost:4222")).isNull(); // no scheme: jnats' own defaults apply
        assertThat(NatsEndpoint.parse("nats://")).isNull();
        assertThat(NatsEndpoint.parse("nats://host with space:4222")).isNull();
        assertThat(NatsEndpoint.parse("nats://host:notaport")).isNull();
    }

    @Test
    void userAndPasswordOrTokenFromTheUrl() {
        NatsEndpoint userPass = NatsEndpoint.parse("nats://gateway:s3cret@127.0.0.1:4222");
        assertThat(userPass).isEqualTo(new NatsEndpoint("127.0.0.1", 4222, "gateway", "s3cret", null));
        assertThat(credentials(userPass)).isEqualTo("{\"user\":\"gateway\",\"pass\":\"s3cret\"}");

        NatsEndpoint token = NatsEndpoint.parse("nats://t0k3n@127.0.0.1");
        assertThat(token).isEqualTo(new NatsEndpoint("127.0.0.1", 4222, null, null, "t0k3n"));
        assertThat(credentials(token)).isEqualTo("{\"auth_token\":\"t0k3n\"}");

        // Percent-encoded characters are decoded (as jnats does); a colon in the password stays in the password.
        NatsEndpoint encoded = NatsEndpoint.parse("nats://gw:p%40ss:w%22rd@127.0.0.1:4222");
        assertThat(encoded.user()).isEqualTo("gw");
        assertThat(encoded.password()).isEqualTo("p@ss:w\"rd");
        assertThat(credentials(encoded)).isEqualTo("{\"user\":\"gw\",\"pass\":\"p@ss:w\\\"rd\"}");

        assertThat(credentials(NatsEndpoint.parse("nats://127.0.0.1:4222"))).isEqualTo("{}");
    }

    @Test
    void credentialsNeverInItsText() {
        assertThat(NatsEndpoint.parse("nats://gateway:s3cret@127.0.0.1:4222").toString())
                .isEqualTo("nats://127.0.0.1:4222").doesNotContain("s3cret");
        assertThat(NatsEndpoint.parse("nats://t0k3n@127.0.0.1").toString()).doesNotContain("t0k3n");
    }

    @Test
    void ipv6Literal() {
        NatsEndpoint endpoint = NatsEndpoint.parse("nats://[::1]:4333");
        assertThat(endpoint).isNotNull();
        assertThat(endpoint.port()).isEqualTo(4333);
        // Netty resolves the bracketed literal as InetAddress does.
        assertThat(new java.net.InetSocketAddress(endpoint.host(), endpoint.port()).isUnresolved()).isFalse();
        assertThat(NatsEndpoint.parse("nats://[::1]").port()).isEqualTo(4222);
    }

    private static String credentials(NatsEndpoint endpoint) {
        ObjectNode connect = JSON.createObjectNode();
        endpoint.addCredentials(connect);
        return connect.toString();
    }
}
