package com.pharmabridge.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Verifies the numeric wire values of message types, error codes and close codes against PROTOCOL.md. */
class CodesTest {

    @Test
    void messageTypeCodesAreTheWireValuesOfProtocolMd() {
        assertThat(MessageType.PUBLISH.code()).isEqualTo(0);
        assertThat(MessageType.SUBSCRIBE.code()).isEqualTo(1);
        assertThat(MessageType.UNSUBSCRIBE.code()).isEqualTo(2);
        assertThat(MessageType.MESSAGE.code()).isEqualTo(3);
        assertThat(MessageType.REQUEST.code()).isEqualTo(4);
        assertThat(MessageType.REPLY.code()).isEqualTo(5);
        assertThat(MessageType.ACK.code()).isEqualTo(6);
        assertThat(MessageType.ERROR.code()).isEqualTo(7);
        assertThat(MessageType.AUTH.code()).isEqualTo(8);
        assertThat(MessageType.PING.code()).isEqualTo(9);
        assertThat(MessageType.PONG.code()).isEqualTo(10);
        assertThat(MessageType.values()).hasSize(11);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void messageTypeFromCodeRoundTripsEveryKnownCode(int code) {
        MessageType type = MessageType.fromCode(code);
        assertThat(type).isNotNull();
        assertThat(type.code()).isEqualTo(code);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 11, 12, 100, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void messageTypeFromCodeReturnsNullForUnknownCodes(int code) {
        assertThat(MessageType.fromCode(code)).isNull();
    }

    @Test
    void authErrorCodesCloseTheConnectionWithPolicyViolation1008() {
        assertThat(ErrorCode.AUTH_FAILED.closes()).isEqualTo(CloseCode.POLICY_VIOLATION);
        assertThat(ErrorCode.AUTH_TIMEOUT.closes()).isEqualTo(CloseCode.POLICY_VIOLATION);
        assertThat(ErrorCode.AUTH_REQUIRED.closes()).isEqualTo(CloseCode.POLICY_VIOLATION);
        assertThat(CloseCode.POLICY_VIOLATION.code()).isEqualTo(1008);
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"AUTH_FAILED", "AUTH_TIMEOUT", "AUTH_REQUIRED"},
            mode = EnumSource.Mode.EXCLUDE)
    void nonAuthErrorCodesLeaveTheConnectionOpen(ErrorCode code) {
        assertThat(code.closes()).isNull();
    }

    @Test
    void errorCodesAreExactlyTheTableOfProtocolMd() {
        Set<String> expected = Set.of("AUTH_FAILED", "AUTH_TIMEOUT", "AUTH_REQUIRED", "NOT_AUTHORIZED",
                "INVALID_SUBJECT", "INVALID_MESSAGE", "PAYLOAD_TOO_LARGE", "RATE_LIMIT", "NO_RESPONDERS",
                "REQUEST_TIMEOUT", "UNAVAILABLE", "SLOW_CONSUMER", "INTERNAL_ERROR");
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::wireName)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void errorCodeFromWireNameRoundTrips(ErrorCode code) {
        assertThat(ErrorCode.fromWireName(code.wireName())).isSameAs(code);
    }

    @Test
    void errorCodeFromWireNameIsCaseSensitiveAndNullForUnknownNames() {
        assertThat(ErrorCode.fromWireName("auth_failed")).isNull();
        assertThat(ErrorCode.fromWireName("NOPE")).isNull();
        assertThat(ErrorCode.fromWireName("")).isNull();
        assertThat(ErrorCode.fromWireName(null)).isNull();
    }

    @Test
    void closeCodesHaveTheNumbersOfProtocolMd() {
        assertThat(CloseCode.NORMAL.code()).isEqualTo(1000);
        assertThat(CloseCode.GOING_AWAY.code()).isEqualTo(1001);
        assertThat(CloseCode.POLICY_VIOLATION.code()).isEqualTo(1008);
        assertThat(CloseCode.MESSAGE_TOO_BIG.code()).isEqualTo(1009);
        assertThat(CloseCode.INTERNAL_ERROR.code()).isEqualTo(1011);
        assertThat(CloseCode.SESSION_REPLACED.code()).isEqualTo(4001);
        assertThat(CloseCode.DEVICE_REVOKED.code()).isEqualTo(4002);
        assertThat(CloseCode.SLOW_CONSUMER.code()).isEqualTo(4003);
        assertThat(Arrays.stream(CloseCode.values()).mapToInt(CloseCode::code))
                .containsExactly(1000, 1001, 1002, 1008, 1009, 1011, 4001, 4002, 4003);
    }

    @ParameterizedTest
    @EnumSource(CloseCode.class)
    void closeCodeFromCodeRoundTrips(CloseCode code) {
        assertThat(CloseCode.fromCode(code.code())).isSameAs(code);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1003, 1010, 4000, 4004, -1})
    void closeCodeFromCodeReturnsNullForCodesTheGatewayDoesNotUse(int code) {
        assertThat(CloseCode.fromCode(code)).isNull();
    }

    @Test
    void onlyTheAuthErrorsCloseTheConnection() {
        EnumSet<ErrorCode> closing = EnumSet.noneOf(ErrorCode.class);
        for (ErrorCode code : ErrorCode.values()) {
            if (code.closes() != null) {
                closing.add(code);
            }
        }
        assertThat(closing).containsExactlyInAnyOrder(ErrorCode.AUTH_FAILED, ErrorCode.AUTH_TIMEOUT, ErrorCode.AUTH_REQUIRED);
    }
}
