package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

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
    void optionsNeedAPositiveRateAndABatch() {
        assertThatThrownBy(() -> new SimulationOptions(0, "B1", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SimulationOptions(Double.NaN, "B1", 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SimulationOptions(20_000, "B1", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SimulationOptions(1, " ", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SimulationOptions(0.5, "B1", 1).messagesPerSecondPerDevice()).isEqualTo(0.5);
    }

    @Test
    void simulatorRefusesDuplicateDeviceIdsAndNonWebSocketUris() {
        SimulatedDevice a = new SimulatedDevice("d", "t", Equipment.CARTONER, "chicago", "line1");
        SimulatedDevice b = new SimulatedDevice("d", "t", Equipment.CASE_PACKER, "chicago", "line1");
        SimulationOptions options = new SimulationOptions(1, "B1", 1);
        assertThatThrownBy(() -> LineSimulator.start(URI.create("ws://127.0.0.1:1/ws"), List.of(a, b), options))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> LineSimulator.start(URI.create("http://127.0.0.1:1/ws"), List.of(a), options))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
