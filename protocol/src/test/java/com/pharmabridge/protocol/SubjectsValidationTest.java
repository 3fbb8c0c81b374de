package com.pharmabridge.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Verifies Subjects.validate, isReserved and hasWildcard against the "Subjects" section of PROTOCOL.md. */
class SubjectsValidationTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "a", "telemetry.line1.blister-sealer.temperature", "commands.line1.blister-sealer.calibrate",
            "A.Z.a.z.0.9", "a-b_c.D-E_F", "-", "_", "x.y.z.1.2.3", "config.line1.blister-sealer"})
    void validLiteralSubjectsAreAcceptedWithAndWithoutWildcardsAllowed(String subject) {
        assertThat(Subjects.validate(subject, false)).isNull();
        assertThat(Subjects.validate(subject, true)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", ">", "a.*", "a.>", "*.b", "*.*.>", "commands.line1.blister-sealer.>", "a.*.c"})
    void wildcardSubjectsAreValidOnlyWhenWildcardsAreAllowed(String subject) {
        assertThat(Subjects.validate(subject, true)).isNull();
        assertThat(Subjects.validate(subject, false)).isNotNull().isNotBlank();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void missingSubjectIsInvalid(String subject) {
        assertThat(Subjects.validate(subject, true)).isNotNull();
        assertThat(Subjects.validate(subject, false)).isNotNull();
    }

    @Test
    void subjectOfExactly256CharactersIsValidAnd257IsNot() {
        String exactly256 = "a".repeat(128) + "." + "b".repeat(127);
        assertThat(exactly256).hasSize(Subjects.MAX_LENGTH).hasSize(256);
        assertThat(Subjects.validate(exactly256, false)).isNull();
        assertThat(Subjects.validate("c".repeat(256), false)).isNull();

        String tooLong = exactly256 + "c";
        assertThat(Subjects.validate(tooLong, false)).isNotNull();
        assertThat(Subjects.validate("c".repeat(257), true)).isNotNull();
        assertThat(Subjects.validate("a.".repeat(200) + "a", true)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {".", ".a", "a.", "a..b", "..", "a.b.", ".a.b", "a...b"})
    void emptyTokensAreInvalid(String subject) {
        assertThat(Subjects.validate(subject, false)).isNotNull();
        assertThat(Subjects.validate(subject, true)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "a b", " a", "a ", "a.b c", "a\tb", "a\nb", "caf\u00e9", "\u00fcber.line", "\u4e2d\u6587", "a.\u0416",
            "$JS.API.x", "a$b", "a/b", "a:b", "a#b", "a+b", "a,b", "a\u0000b", "\u00a0", "a.\ud83d\ude00", "a@b"})
    void charactersOutsideTheAllowedSetAreInvalid(String subject) {
        assertThat(Subjects.validate(subject, false)).isNotNull();
        assertThat(Subjects.validate(subject, true)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {">.a", "a.>.b", ">.>", ">.*", "a.>.>"})
    void fullWildcardThatIsNotTheLastTokenIsInvalid(String subject) {
        assertThat(Subjects.validate(subject, true)).isNotNull();
        assertThat(Subjects.validate(subject, false)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a*", "*a", "a.b*", "a.*b.c", "a>", ">a", "a.b>", "**", ">>", "*>", "a.*>"})
    void partialWildcardTokensAreInvalidEvenWhereWildcardsAreAllowed(String subject) {
        assertThat(Subjects.validate(subject, true)).isNotNull();
        assertThat(Subjects.validate(subject, false)).isNotNull();
    }

    @Test
    void reasonsNameTheProblem() {
        assertThat(Subjects.validate("a.*", false)).containsIgnoringCase("wildcard");
        assertThat(Subjects.validate("a.>.b", true)).contains(">");
        assertThat(Subjects.validate("a..b", true)).containsIgnoringCase("empty");
        assertThat(Subjects.validate("x".repeat(300), true)).contains("256");
    }

    @ParameterizedTest
    @ValueSource(strings = {"$JS.API.x", "$SYS.REQ.SERVER.PING", "$KV.bucket.key", "$", "_INBOX.abc", "_INBOX.abc.1", "_INBOX"})
    void systemAndInboxSubjectsAreReserved(String subject) {
        assertThat(Subjects.isReserved(subject)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"inbox.x", "INBOX.x", "_inbox.x", "_INBOXES.x", "a._INBOX.b", "a.$JS", "telemetry.line1.x", "_INBOXx"})
    void ordinarySubjectsAreNotReserved(String subject) {
        assertThat(Subjects.isReserved(subject)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", ">", "a.*", "a.>", "*.b", "a.*.c", "*.*", "a.b.>"})
    void hasWildcardIsTrueForValidPatternsWithAWildcardToken(String subject) {
        assertThat(Subjects.hasWildcard(subject)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "a.b", "telemetry.line1.blister-sealer.temperature", "a-b.c_d"})
    void hasWildcardIsFalseForLiteralSubjects(String subject) {
        assertThat(Subjects.hasWildcard(subject)).isFalse();
    }
}
