package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidationTest {
    @Test
    void equipmentTokensMatchTheSubjectHierarchy() {
        assertThat(Equipment.BLISTER_SEALER.subjectToken()).isEqualTo("blister-sealer");
        assertThat(Equipment.CARTONER.subjectToken()).isEqualTo("cartoner");
        assertThat(Equipment.CASE_PACKER.subjectToken()).isEqualTo("case-packer");
        assertThat(Equipment.SERIALIZATION.subjectToken()).isEqualTo("serialization");
    }

    @Test
    void plantAndLineMustBeSingleSubjectTokens() {
        assertThatThrownBy(() -> new SimulatedDevice("d", "t", Equipment.CARTONER, "chi.cago", "line1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plant");
        assertThatThrownBy(() -> new SimulatedDevice("d", "t", Equipment.CARTONER, "chicago", "*"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line");
        assertThatThrownBy(() -> new SimulatedDevice("d", "t", Equipment.CARTONER, "chicago", "line 1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SimulatedDevice("", "t", Equipment.CARTONER, "chicago", "line1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SimulatedDevice("d", "t", null, "chicago", "line1"))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void tokenStaysOutOfToString() {
        assertThat(new SimulatedDevice("d", "s3cret", Equipment.CARTONER, "chicago", "line1").toString())
                .doesNotContain("s3cret").contains("d", "cartoner");
    }

    @Test
    void simulatorRefusesNonWebSocketUrisAndDevicesWithoutTokens() {
        LineDescription line = LineDescription.standard("chicago", 1, 1, 1);
        Map<String, String> tokens = new HashMap<>();
        line.deviceIds().forEach(id -> tokens.put(id, "t"));
        assertThatThrownBy(() -> LineSimulator.start(URI.create("http://127.0.0.1:1/ws"), line, tokens, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ws://");
        tokens.remove("cartoner-line1-01");
        assertThatThrownBy(() -> LineSimulator.start(URI.create("ws://127.0.0.1:1/ws"), line, tokens, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cartoner-line1-01");
    }
}
