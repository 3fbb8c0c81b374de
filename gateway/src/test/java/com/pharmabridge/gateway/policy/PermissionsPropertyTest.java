package com.pharmabridge.gateway.policy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Subscribe and publish decisions on generated (grants, denies, request) cases agree with a brute-force oracle
 * that enumerates every literal subject over a small alphabet, {@code o} standing for "any other token".
 */
class PermissionsPropertyTest {
    private static final List<String> LITERAL_TOKENS = List.of("a", "b", "c", "o");
    private static final List<String> UNIVERSE = literals(5);

    @Property(tries = 3000)
    void subscribeDecisionMatchesTheOracle(@ForAll("patternLists") List<String> grants,
                                           @ForAll("shortPatternLists") List<String> denies,
                                           @ForAll("patterns") String request) {
        Permissions permissions = new Permissions(List.of(), grants, denies);
        assertThat(permissions.canSubscribe(request))
                .as("grants %s denies %s request %s", grants, denies, request)
                .isEqualTo(oracleSubscribe(grants, denies, request));
    }

    @Property(tries = 3000)
    void publishDecisionMatchesTheOracle(@ForAll("patternLists") List<String> grants,
                                         @ForAll("shortPatternLists") List<String> denies,
                                         @ForAll("literalSubjects") String subject) {
        Permissions permissions = new Permissions(grants, List.of(), denies);
        boolean expected = grants.stream().anyMatch(g -> matches(g, subject))
                && denies.stream().noneMatch(d -> matches(d, subject));
        assertThat(permissions.canPublish(subject)).as("grants %s denies %s subject %s", grants, denies, subject)
                .isEqualTo(expected);
    }

    private static boolean oracleSubscribe(List<String> grants, List<String> denies, String request) {
        if (request.startsWith("*") || request.startsWith(">")) {
            return false;
        }
        List<String> matched = UNIVERSE.stream().filter(s -> matches(request, s)).toList();
        boolean insideOneGrant = grants.stream().anyMatch(g -> matched.stream().allMatch(s -> matches(g, s)));
        boolean touchesDeny = matched.stream().anyMatch(s -> denies.stream().anyMatch(d -> matches(d, s)));
        return insideOneGrant && !touchesDeny;
    }

    private static boolean matches(String pattern, String subject) {
        String[] p = pattern.split("\\.");
        String[] s = subject.split("\\.");
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals(">")) {
                return s.length > i;
            }
            if (i >= s.length || (!p[i].equals("*") && !p[i].equals(s[i]))) {
                return false;
            }
        }
        return p.length == s.length;
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

    private static List<String> literals(int maxTokens) {
        List<String> out = new ArrayList<>();
        expand("", 0, maxTokens, out);
        return out;
    }

    private static void expand(String prefix, int depth, int max, List<String> out) {
        if (depth == max) {
            return;
        }
        for (String token : LITERAL_TOKENS) {
            String subject = prefix.isEmpty() ? token : prefix + "." + token;
            out.add(subject);
            expand(subject, depth + 1, max, out);
        }
    }
}
