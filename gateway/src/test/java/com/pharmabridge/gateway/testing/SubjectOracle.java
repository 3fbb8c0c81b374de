package com.pharmabridge.gateway.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The brute-force side of permission tests: its own literal-subject matcher (independent of the code under test)
 * and the decision "allowed to subscribe" spelled out over an enumerated universe of literal subjects.
 */
public final class SubjectOracle {
    private SubjectOracle() {
    }

    /** '*' matches one token, '>' one or more trailing tokens. */
    public static boolean matches(String pattern, String subject) {
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

    /** Allowed: no leading wildcard, every literal it matches lies in one grant, none in a deny. */
    public static boolean allowsSubscribe(List<String> grants, List<String> denies, String request,
                                          List<String> universe) {
        if (request.startsWith("*") || request.startsWith(">")) {
            return false;
        }
        List<String> matched = universe.stream().filter(s -> matches(request, s)).toList();
        boolean insideOneGrant = grants.stream().anyMatch(g -> matched.stream().allMatch(s -> matches(g, s)));
        boolean touchesDeny = matched.stream().anyMatch(s -> denies.stream().anyMatch(d -> matches(d, s)));
        return insideOneGrant && !touchesDeny;
    }

    /** Every subject of 1..maxTokens tokens from {@code tokens}; a '>' token ends a subject. */
    public static List<String> subjects(List<String> tokens, int maxTokens) {
        List<String> out = new ArrayList<>();
        expand("", 0, maxTokens, tokens, out);
        return out;
    }

    private static void expand(String prefix, int depth, int max, List<String> tokens, List<String> out) {
        if (depth == max) {
            return;
        }
        for (String token : tokens) {
            String subject = prefix.isEmpty() ? token : prefix + "." + token;
            out.add(subject);
            if (!token.equals(">")) {
                expand(subject, depth + 1, max, tokens, out);
            }
        }
    }
}
