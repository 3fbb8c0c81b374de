package com.pharmabridge.protocol;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verifies that Subjects.contains, Subjects.overlaps and Subjects.matches agree with a brute-force oracle that
 * enumerates literal subjects.
 *
 * <p>The oracle works over a finite universe: all literal subjects of 1..(L+1) tokens, where L is the largest token
 * count of the patterns involved, over the literal tokens the patterns use plus one extra token ("c") standing for
 * "any other token". That universe is exact for both relations: a witness that the request reaches beyond the grant
 * needs at most max(|r|, |g|+1) tokens, and a common literal of two patterns needs at most max(|a|, |b|) tokens.
 */
class SubjectsContainmentPropertyTest {

    private static final List<String> LITERAL_TOKENS = List.of("a", "b");
    private static final String OTHER_TOKEN = "c";

    // ---------------------------------------------------------------- the oracle, independent of Subjects

    /** A literal-subject matcher written from the definition: '*' is exactly one token, '>' one or more remaining. */
    static boolean oracleMatches(String[] pattern, int p, String[] literal, int l) {
        if (p == pattern.length) {
            return l == literal.length;
        }
        if (pattern[p].equals(">")) {
            return l < literal.length;
        }
        if (l == literal.length) {
            return false;
        }
        if (pattern[p].equals("*") || pattern[p].equals(literal[l])) {
            return oracleMatches(pattern, p + 1, literal, l + 1);
        }
        return false;
    }

    static boolean oracleMatches(String pattern, String literal) {
        return oracleMatches(pattern.split("\\.", -1), 0, literal.split("\\.", -1), 0);
    }

    /** Every literal subject of 1..maxTokens tokens over the alphabet. */
    static List<String> literals(List<String> alphabet, int maxTokens) {
        List<String> all = new ArrayList<>();
        List<String> previous = List.of("");
        for (int n = 1; n <= maxTokens; n++) {
            List<String> next = new ArrayList<>();
            for (String prefix : previous) {
                for (String token : alphabet) {
                    next.add(prefix.isEmpty() ? token : prefix + "." + token);
                }
            }
            all.addAll(next);
            previous = next;
        }
        return all;
    }

    static int tokenCount(String pattern) {
        return pattern.split("\\.", -1).length;
    }

    /** The alphabet of the oracle: the literal tokens of the patterns plus one token none of them uses. */
    static List<String> alphabetFor(String... patterns) {
        Set<String> tokens = new LinkedHashSet<>();
        for (String pattern : patterns) {
            for (String token : pattern.split("\\.", -1)) {
                if (!token.equals("*") && !token.equals(">")) {
                    tokens.add(token);
                }
            }
        }
        tokens.addAll(LITERAL_TOKENS);
        tokens.add(OTHER_TOKEN); // no generated pattern uses it, so it stands for "any other token"
        return new ArrayList<>(tokens);
    }

    static List<String> universeFor(String... patterns) {
        int maxTokens = 0;
        for (String pattern : patterns) {
            maxTokens = Math.max(maxTokens, tokenCount(pattern));
        }
        return literals(alphabetFor(patterns), maxTokens + 1);
    }

    static boolean oracleContains(String grant, String request) {
        boolean requestMatchesSomething = false;
        for (String literal : universeFor(grant, request)) {
            if (oracleMatches(request, literal)) {
                requestMatchesSomething = true;
                if (!oracleMatches(grant, literal)) {
                    return false;
                }
            }
        }
        // Every valid pattern matches at least one literal; if this failed the oracle itself would be wrong.
        assertThat(requestMatchesSomething).as("oracle: %s matches some literal", request).isTrue();
        return true;
    }

    static boolean oracleOverlaps(String a, String b) {
        for (String literal : universeFor(a, b)) {
            if (oracleMatches(a, literal) && oracleMatches(b, literal)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- generators

    /** Patterns of 1..4 tokens from {a, b, *, >}, with '>' only as the last token. */
    @Provide
    Arbitrary<String> patterns() {
        return patternsOver(List.of("a", "b"));
    }

    /** Patterns whose literal tokens share prefixes, to catch token comparisons that look at prefixes only. */
    @Provide
    Arbitrary<String> prefixPatterns() {
        return patternsOver(List.of("a", "ab", "ba", "aa"));
    }

    private static Arbitrary<String> patternsOver(List<String> literalTokens) {
        List<String> inner = new ArrayList<>(literalTokens);
        inner.add("*");
        List<String> last = new ArrayList<>(inner);
        last.add(">");
        Arbitrary<List<String>> head = Arbitraries.of(inner).list().ofMinSize(0).ofMaxSize(3);
        return Combinators.combine(head, Arbitraries.of(last)).as((h, t) -> {
            List<String> tokens = new ArrayList<>(h);
            tokens.add(t);
            return String.join(".", tokens);
        });
    }

    /** Every pattern of 1..maxTokens tokens over {a, b, *, >} with '>' only last. */
    static List<String> allPatterns(int maxTokens) {
        List<String> result = new ArrayList<>();
        List<String> inner = List.of("a", "b", "*");
        List<String> prefixes = List.of("");
        for (int n = 1; n <= maxTokens; n++) {
            for (String prefix : prefixes) {
                for (String last : List.of("a", "b", "*", ">")) {
                    result.add(prefix.isEmpty() ? last : prefix + "." + last);
                }
            }
            List<String> next = new ArrayList<>();
            for (String prefix : prefixes) {
                for (String token : inner) {
                    next.add(prefix.isEmpty() ? token : prefix + "." + token);
                }
            }
            prefixes = next;
        }
        return result;
    }

    // ---------------------------------------------------------------- properties against the oracle

    @Property(tries = 5000)
    void containsAgreesWithTheBruteForceOracle(@ForAll("patterns") String grant, @ForAll("patterns") String request) {
        assertThat(Subjects.contains(grant, request))
                .as("contains(%s, %s)", grant, request)
                .isEqualTo(oracleContains(grant, request));
    }

    @Property(tries = 5000)
    void overlapsAgreesWithTheBruteForceOracle(@ForAll("patterns") String a, @ForAll("patterns") String b) {
        assertThat(Subjects.overlaps(a, b))
                .as("overlaps(%s, %s)", a, b)
                .isEqualTo(oracleOverlaps(a, b));
    }

    @Property(tries = 3000)
    void containsAndOverlapsCompareWholeTokensNotPrefixes(@ForAll("prefixPatterns") String a,
                                                          @ForAll("prefixPatterns") String b) {
        assertThat(Subjects.contains(a, b)).as("contains(%s, %s)", a, b).isEqualTo(oracleContains(a, b));
        assertThat(Subjects.overlaps(a, b)).as("overlaps(%s, %s)", a, b).isEqualTo(oracleOverlaps(a, b));
    }

    @Property(tries = 3000)
    void matchesAgreesWithTheOracleOnLiteralSubjects(@ForAll("patterns") String pattern,
                                                     @ForAll("literalSubjects") String literal) {
        assertThat(Subjects.matches(pattern, literal))
                .as("matches(%s, %s)", pattern, literal)
                .isEqualTo(oracleMatches(pattern, literal));
    }

    @Provide
    Arbitrary<String> literalSubjects() {
        return Arbitraries.of("a", "b", "c").list().ofMinSize(1).ofMaxSize(5).map(tokens -> String.join(".", tokens));
    }

    @Property(tries = 2000)
    void generatedPatternsAreValidSubscribeSubjects(@ForAll("patterns") String pattern) {
        // Guards the generator: the properties above are only meaningful for patterns the gateway accepts.
        assertThat(Subjects.validate(pattern, true)).as(pattern).isNull();
    }

    /** Exhaustive: all patterns of up to 4 tokens (160 patterns, every ordered pair), over a 5-token universe. */
    @Example
    void containsAndOverlapsAgreeWithTheOracleForEveryPairOfPatternsUpToFourTokens() {
        List<String> patterns = allPatterns(4);
        assertThat(patterns).hasSize(4 + 12 + 36 + 108);
        assertThat(allPatterns(3)).hasSize(52);
        // A universe of 5 tokens is at least L+1 for every pair, so it is exact for all of them.
        List<String> universe = literals(List.of("a", "b", OTHER_TOKEN), 5);
        BitSet[] matched = new BitSet[patterns.size()];
        for (int i = 0; i < patterns.size(); i++) {
            matched[i] = new BitSet(universe.size());
            for (int l = 0; l < universe.size(); l++) {
                if (oracleMatches(patterns.get(i), universe.get(l))) {
                    matched[i].set(l);
                }
            }
            assertThat(matched[i].isEmpty()).as("%s matches nothing", patterns.get(i)).isFalse();
        }
        List<String> mismatches = new ArrayList<>();
        for (int g = 0; g < patterns.size(); g++) {
            for (int r = 0; r < patterns.size(); r++) {
                BitSet outside = (BitSet) matched[r].clone();
                outside.andNot(matched[g]);
                boolean expectedContains = outside.isEmpty();
                boolean expectedOverlaps = matched[g].intersects(matched[r]);
                String grant = patterns.get(g);
                String request = patterns.get(r);
                if (Subjects.contains(grant, request) != expectedContains) {
                    mismatches.add("contains(" + grant + ", " + request + ") should be " + expectedContains);
                }
                if (Subjects.overlaps(grant, request) != expectedOverlaps) {
                    mismatches.add("overlaps(" + grant + ", " + request + ") should be " + expectedOverlaps);
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Example
    void oracleMatcherFollowsTheWildcardDefinitions() {
        // The oracle is the reference, so it gets its own checks.
        assertThat(oracleMatches("a.*", "a.b")).isTrue();
        assertThat(oracleMatches("a.*", "a")).isFalse();
        assertThat(oracleMatches("a.*", "a.b.c")).isFalse();
        assertThat(oracleMatches("a.>", "a.b.c")).isTrue();
        assertThat(oracleMatches("a.>", "a")).isFalse();
        assertThat(oracleMatches(">", "a")).isTrue();
        assertThat(oracleMatches("a.b", "a.b")).isTrue();
        assertThat(oracleMatches("a.b", "a.bb")).isFalse();
        assertThat(oracleContains("x.*", "x.>")).isFalse();
        assertThat(oracleOverlaps("a.*", "*.b")).isTrue();
    }

    // ---------------------------------------------------------------- explicit examples from PROTOCOL.md

    @Example
    void singleTokenWildcardGrantDoesNotContainFullWildcardRequest() {
        assertThat(Subjects.contains("x.*", "x.>")).isFalse();
        assertThat(Subjects.contains("x.y.*", "x.y.>")).isFalse(); // the nats-server 2.9.10 shortcut lets this through
        assertThat(Subjects.contains("*", ">")).isFalse();
        assertThat(Subjects.contains("x.*.*", "x.>")).isFalse();
    }

    @Example
    void commandsGrantAllowsOnlyRequestsWhollyInsideIt() {
        assertThat(Subjects.contains("commands.line1.*", "commands.line1.start")).isTrue();
        assertThat(Subjects.contains("commands.line1.*", "commands.line1.*")).isTrue();
        assertThat(Subjects.contains("commands.line1.*", "commands.line1.>")).isFalse();
        assertThat(Subjects.contains("commands.line1.*", "commands.>")).isFalse();
        assertThat(Subjects.contains("commands.line1.*", "commands.*.start")).isFalse();
        assertThat(Subjects.contains("commands.line1.*", "commands.line1.start.now")).isFalse();
        assertThat(Subjects.contains("commands.line1.*", "commands.line1")).isFalse();
        assertThat(Subjects.contains("commands.line1.*", "commands.line2.start")).isFalse();
    }

    @Example
    void fullWildcardGrantContainsDeeperPatternsButNotItsOwnPrefix() {
        assertThat(Subjects.contains("a.>", "a.b.>")).isTrue();
        assertThat(Subjects.contains("a.>", "a.*.c")).isTrue();
        assertThat(Subjects.contains("a.>", "a.*")).isTrue();
        assertThat(Subjects.contains("a.>", "a.>")).isTrue();
        assertThat(Subjects.contains("a.>", "a")).isFalse();
        assertThat(Subjects.contains("a.>", ">")).isFalse();
        assertThat(Subjects.contains("a.>", "*.b")).isFalse();
        assertThat(Subjects.contains(">", "a.*.>")).isTrue();
        assertThat(Subjects.contains("telemetry.line1.blister-sealer.>",
                "telemetry.line1.blister-sealer.temperature")).isTrue();
    }

    @Example
    void overlapsExamples() {
        assertThat(Subjects.overlaps("a.>", "a")).isFalse();
        assertThat(Subjects.overlaps("a", "a.>")).isFalse();
        assertThat(Subjects.overlaps("a.*", "*.b")).isTrue();
        assertThat(Subjects.overlaps("a.*", "a")).isFalse();
        assertThat(Subjects.overlaps("a.*", "b.*")).isFalse();
        assertThat(Subjects.overlaps(">", "a.b.c")).isTrue();
        assertThat(Subjects.overlaps("a.*.c", "a.b.>")).isTrue();
        assertThat(Subjects.overlaps("a.*.c", "a.b.d")).isFalse();
    }

    @Example
    void tokensAreComparedWholeNotByPrefix() {
        assertThat(Subjects.contains("a.b", "a.bc")).isFalse();
        assertThat(Subjects.contains("a.bc", "a.b")).isFalse();
        assertThat(Subjects.contains("ab.>", "a.b")).isFalse();
        assertThat(Subjects.overlaps("foo.*", "fo.x")).isFalse();
        assertThat(Subjects.overlaps("line1.x", "line10.x")).isFalse();
        assertThat(Subjects.matches("telemetry.line1.>", "telemetry.line10.x")).isFalse();
        assertThat(Subjects.matches("telemetry.line1.>", "telemetry.line1.x")).isTrue();
    }
}
