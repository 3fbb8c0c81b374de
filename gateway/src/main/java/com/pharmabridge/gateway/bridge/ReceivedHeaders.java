package com.pharmabridge.gateway.bridge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The header block of a message read from NATS ({@code NATS/1.0\r\nKey:value\r\n…\r\n}), searched only for the
 * values asked for. A delivery needs one or two of the eight headers a gateway publish carries; building jnats'
 * {@code Headers} for each (tokens, lists, a map, every key re-validated) was 40 % of what a round trip allocated.
 * Keys match exactly, as jnats' {@code getFirst}; values lose surrounding blanks. Not thread-safe; cheap to keep.
 */
public final class ReceivedHeaders implements HeaderValues {
    private final byte[] block;

    private ReceivedHeaders(byte[] block) {
        this.block = block;
    }

    /** @return the headers of {@code block}, or {@code null} for a message without any */
    public static ReceivedHeaders of(byte[] block) {
        return block == null ? null : new ReceivedHeaders(block);
    }

    @Override
    public String first(String name) {
        List<String> found = find(name, true);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Every value of {@code name}, in the order sent. */
    public List<String> all(String name) {
        return find(name, false);
    }

    private List<String> find(String name, boolean firstOnly) {
        List<String> found = List.of();
        int line = lineEnd(0) + 2; // past the version (and status) line
        while (line < block.length) {
            int end = lineEnd(line);
            if (end == line) {
                break; // the blank line that ends the block
            }
            if (keyIs(name, line, end)) {
                String value = value(line + name.length() + 1, end);
                if (firstOnly) {
                    return List.of(value);
                }
                if (found.isEmpty()) {
                    found = new ArrayList<>(2);
                }
                found.add(value);
            }
            line = end + 2;
        }
        return found;
    }

    /** Index of the CR of the CRLF ending the line that starts at {@code from}, or the block's length. */
    private int lineEnd(int from) {
        for (int i = from; i + 1 < block.length; i++) {
            if (block[i] == '\r' && block[i + 1] == '\n') {
                return i;
            }
        }
        return block.length;
    }

    private boolean keyIs(String name, int start, int end) {
        int colon = start + name.length();
        if (colon >= end || block[colon] != ':') {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (block[start + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String value(int start, int end) {
        while (start < end && isBlank(block[start])) {
            start++;
        }
        while (end > start && isBlank(block[end - 1])) {
            end--;
        }
        return new String(block, start, end - start, StandardCharsets.UTF_8);
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }
}
