package com.pharmabridge.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class Sha256Test {
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void reusedDigestsGiveTheStandardValuesEveryTimeOnEveryThread() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ABC);
            assertThat(Sha256.hex(new byte[0])).isEqualTo(EMPTY);
            assertThat(Sha256.hex("abc")).isEqualTo(ABC);
        }
        assertThat(CompletableFuture.supplyAsync(() -> Sha256.hex("abc")).get()).isEqualTo(ABC);
    }

    @Test
    void hexIsHexFormatsForEveryByteValue() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        assertThat(Sha256.lowerHex(all)).isEqualTo(java.util.HexFormat.of().formatHex(all));
        assertThat(Sha256.lowerHex(new byte[0])).isEmpty();
    }

    @Test
    void aDigestFedByHandIsIndependentOfTheSharedOne() {
        java.security.MessageDigest own = Sha256.newDigest();
        own.update("ab".getBytes(StandardCharsets.US_ASCII));
        assertThat(Sha256.hex("abc")).isEqualTo(ABC);
        own.update("c".getBytes(StandardCharsets.US_ASCII));
        assertThat(java.util.HexFormat.of().formatHex(own.digest())).isEqualTo(ABC);
    }
}
