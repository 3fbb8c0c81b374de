package com.pharmabridge.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/PROTOCOL.md kept in step with the wire codes: every message type, error code and close code is documented. */
class ProtocolDocTest {
    private static final Path DOC = Path.of("..", "docs", "PROTOCOL.md");

    private static String section(String doc, String heading) {
        int start = doc.indexOf("\n## " + heading);
        assertThat(start).as("section '%s' of PROTOCOL.md", heading).isNotNegative();
        int end = doc.indexOf("\n## ", start + 4);
        return doc.substring(start, end < 0 ? doc.length() : end);
    }

    /** Verifies that the message type table has a row for each type, with its number. */
    @Test
    void everyMessageTypeHasItsRow() throws Exception {
        String types = section(Files.readString(DOC, StandardCharsets.UTF_8), "Message types");
        for (MessageType type : MessageType.values()) {
            String name = type.name().charAt(0) + type.name().substring(1).toLowerCase();
            assertThat(types).as(type.name()).containsPattern("\\| " + type.code() + " \\| " + name + " \\|");
        }
    }

    /** Verifies that the error table has a row for each error code. */
    @Test
    void everyErrorCodeIsInTheErrorTable() throws Exception {
        String errors = section(Files.readString(DOC, StandardCharsets.UTF_8), "Errors (7)");
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(errors).as(code.name()).containsPattern("`" + Pattern.quote(code.wireName()) + "`");
        }
    }

    /** Verifies that each close code the gateway uses is explained. */
    @Test
    void everyCloseCodeIsExplained() throws Exception {
        String closes = section(Files.readString(DOC, StandardCharsets.UTF_8), "Close codes");
        for (CloseCode code : CloseCode.values()) {
            assertThat(closes).as(code.name()).contains(Integer.toString(code.code()));
        }
    }
}
