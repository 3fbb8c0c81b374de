package com.pharmabridge.protocol;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Generators of JSON-like input shared by the property tests of the JSON readers. */
final class JsonArbitraries {
    private JsonArbitraries() {
    }

    /** Byte strings of up to {@code maxSize} bytes drawn from {@code alphabet}. */
    static Arbitrary<byte[]> bytesFrom(byte[] alphabet, int maxSize) {
        return Arbitraries.integers().between(0, alphabet.length - 1).list().ofMaxSize(maxSize).map(l -> {
            byte[] out = new byte[l.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = alphabet[l.get(i)];
            }
            return out;
        });
    }

    /**
     * JSON values nested up to {@code depth}: {@code scalars}, and arrays and objects of up to four members whose
     * names are {@code quotedNames} (written as they are, so they may be invalid on purpose).
     */
    static Arbitrary<String> values(int depth, Arbitrary<String> scalars, Arbitrary<String> quotedNames) {
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<String> inner = values(depth - 1, scalars, quotedNames);
        Arbitrary<String> arrays = inner.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> objects = Arbitraries.maps(quotedNames, inner).ofMaxSize(4).map(m -> {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append(k).append(" : ").append(v));
            return sb.append('}').toString();
        });
        return Arbitraries.oneOf(scalars, arrays, objects);
    }

    /** Positions to damage a text at (negative: leave it whole). */
    static Arbitrary<Integer> damage() {
        return Arbitraries.integers().between(-3, 1000);
    }
}
