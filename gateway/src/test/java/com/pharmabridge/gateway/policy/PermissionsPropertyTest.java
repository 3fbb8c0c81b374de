package com.pharmabridge.gateway.policy;

import com.pharmabridge.gateway.testing.SubjectOracle;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Subscribe and publish decisions on generated (grants, denies, request) cases agree with a brute-force oracle
 * that enumerates every literal subject over a small alphabet, {@code o} standing for "any other token".
 */
class PermissionsPropertyTest {
    private static final List<String> LITERAL_TOKENS = List.of("a", "b", "c", "o");
    private static final List<String> UNIVERSE = SubjectOracle.subjects(LITERAL_TOKENS, 5);

    @Property(tries = 3000)
    void subscribeDecisionMatchesTheOracle(@ForAll("patternLists") List<String> grants,
                                           @ForAll("shortPatternLists") List<String> denies,
                                           @ForAll("patterns") String request) {
        Permissions permissions = new Permissions(List.of(), grants, denies);
        assertThat(permissions.canSubscribe(request))
                .as("grants %s denies %s request %s", grants, denies, request)
                .isEqualTo(SubjectOracle.allowsSubscribe(grants, denies, request, UNIVERSE));
    }

    @Property(tries = 3000)
    void publishDecisionMatchesTheOracle(@ForAll("patternLists") List<String> grants,
                                         @ForAll("shortPatternLists") List<String> denies,
                                         @ForAll("literalSubjects") String subject) {
        Permissions permissions = new Permissions(grants, List.of(), denies);
        boolean expected = grants.stream().anyMatch(g -> SubjectOracle.matches(g, subject))
                && denies.stream().noneMatch(d -> SubjectOracle.matches(d, subject));
        assertThat(permissions.canPublish(subject)).as("grants %s denies %s subject %s", grants, denies, subject)
                .isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> patterns() {
        return Arbitraries.of("a", "b", "c", "*", ">").list().ofMinSize(1).ofMaxSize(4)
                .filter(tokens -> !tokens.subList(0, tokens.size() - 1).contains(">"))
                .map(tokens -> String.join(".", tokens));
    }

    @Provide
    Arbitrary<List<String>> patternLists() {
        return patterns().list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<String>> shortPatternLists() {
        return patterns().list().ofMinSize(0).ofMaxSize(2);
    }

    @Provide
    Arbitrary<String> literalSubjects() {
        return Arbitraries.of(LITERAL_TOKENS).list().ofMinSize(1).ofMaxSize(5).map(t -> String.join(".", t));
    }
}
