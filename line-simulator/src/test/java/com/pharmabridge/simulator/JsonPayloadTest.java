package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonPayloadTest {
    @Test
    void writesFieldsInOrderWithFixedDecimals() {
        String json = JsonPayload.object().number("value", 185.0, 1).number("p", 4.5049, 2).integer("n", 7)
                .bool("ok", false).text("s", "a\"b\\c\n").build();
        assertThat(json).isEqualTo("{\"value\":185.0,\"p\":4.50,\"n\":7,\"ok\":false,\"s\":\"a\\\"b\\\\c\\n\"}");
    }

    @Test
    void roundsHalfUpLikeItWrites() {
        assertThat(JsonPayload.round(190.05, 1)).isEqualTo(190.1);
        assertThat(JsonPayload.object().number("v", 190.05, 1).build()).isEqualTo("{\"v\":190.1}");
        assertThat(JsonPayload.object().number("v", -0.004, 2).build()).isEqualTo("{\"v\":0.00}");
    }

    @Test
    void emptyObject() {
        assertThat(JsonPayload.object().build()).isEqualTo("{}");
    }
}
