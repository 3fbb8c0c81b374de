package com.pharmabridge.protocol.oee;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class OeeTest {
    /**
     * Worked by hand: an 8-hour batch (480 min) in which the cartoner ran 400 min (two stops of 40 min each);
     * ideal rate 60 cartons/min, so in 400 min it could have made 24,000; it made 19,200, of which 18,240 good.
     * Availability 400/480 = 0.8333; performance (19,200/60 = 320 min) / 400 min = 0.80; quality 18,240/19,200 =
     * 0.95; OEE = 0.8333 × 0.80 × 0.95 = 0.6333.
     */
    @Test
    void aWorkedExample() {
        Oee oee = new Oee(Duration.ofHours(8), Duration.ofMinutes(400), 60.0, 19_200, 18_240);
        assertThat(oee.availability()).isCloseTo(0.8333, within(1e-4));
        assertThat(oee.performance()).isCloseTo(0.80, within(1e-9));
        assertThat(oee.quality()).isCloseTo(0.95, within(1e-9));
        assertThat(oee.oee()).isCloseTo(0.6333, within(1e-4));
    }

    @Test
    void aFactorWithoutItsInputsIsNotComputableAndNeitherIsOee() {
        Oee noRate = new Oee(Duration.ofHours(1), Duration.ofMinutes(30), null, 100, 90);
        assertThat(noRate.performance()).isNull();
        assertThat(noRate.oee()).isNull();
        assertThat(noRate.availability()).isEqualTo(0.5);
        Oee nothingMade = new Oee(Duration.ofHours(1), Duration.ZERO, 10.0, 0, 0);
        assertThat(nothingMade.quality()).isNull();
        assertThat(nothingMade.performance()).isNull();
        assertThat(nothingMade.availability()).isZero();
    }
}
