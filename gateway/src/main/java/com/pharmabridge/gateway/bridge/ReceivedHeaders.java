package com.pharmabridge.gateway.bridge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The header block of a message read from NATS ({@code NATS/1.0\r\nKey:value\r\n…\r\n}), searched only for the
 * values asked for. A delivery needs one or two of the eight headers a gateway publish carries; building jnats'
 * {@code Headers} for each (tokens, lists, a map, every key re-validated) was 40 % of what a round trip allocated.
 * Keys match exactly, as jnats' {@code getFirst}; keys and values are trimmed as jnats trims them. Cheap to keep.
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
            int colon = colonIn(line, end);
            if (colon >= 0 && keyIs(name, line, colon)) {
                String value = value(colon + 1, end);
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

    /** Whether the key before the line's colon, blanks around it ignored as jnats ignores them, is {@code name}. */
    private boolean keyIs(String name, int start, int colon) {
        int keyStart = skipBlanks(start, colon);
        int keyEnd = trimmedEnd(keyStart, colon);
        if (keyEnd - keyStart != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (block[keyStart + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int colonIn(int start, int end) {
        for (int i = start; i < end; i++) {
            if (block[i] == ':') {
                return i;
            }
        }
        return -1;
    }

    /** The value from {@code start} (after the colon), trimmed as {@code String.trim()} trims (bytes up to a space). */
    private String value(int start, int end) {
        int from = skipBlanks(start, end);
        return new String(block, from, trimmedEnd(from, end) - from, StandardCharsets.UTF_8);
    }

    private int trimmedEnd(int from, int end) {
        while (end > from && isBlank(block[end - 1])) {
            end--;
        }
        return end;
    }

    private int skipBlanks(int from, int end) {
        while (from < end && isBlank(block[from])) {
            from++;
        }
        return from;
    }

    /** Control characters and space: what jnats' trim of keys and values removes. */
    private static boolean isBlank(byte b) {
        return b >= 0 && b <= ' ';
    }
}
