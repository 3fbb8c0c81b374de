package com.pharmabridge.protocol;

/**
 * Subject rules of PROTOCOL.md and the three set relations the gateway's permission checks rest on:
 * <ul>
 *   <li>{@link #matches}: does a pattern match one literal subject (NATS semantics);</li>
 *   <li>{@link #contains}: is every literal subject a request can match also matched by a grant;</li>
 *   <li>{@link #overlaps}: is there any literal subject both patterns match.</li>
 * </ul>
 * Wildcards: {@code *} matches exactly one token, {@code >} one or more trailing tokens.
 * Permission is decided by {@link #contains}, never by matching one pattern against the other as if it were
 * literal: that shortcut (nats-server 2.9.10's) lets {@code x.y.>} through under {@code x.y.*}.
 */
public final class Subjects {
    public static final int MAX_LENGTH = 256;
    private static final String INBOX_PREFIX = "_INBOX.";

    private Subjects() {
    }

    /**
     * Checks a subject against the rules.
     *
     * @return {@code null} when valid, otherwise the reason it is not
     */
    public static String validate(String subject, boolean wildcardsAllowed) {
        if (subject == null || subject.isEmpty()) {
            return "Subject is required";
        }
        if (subject.length() > MAX_LENGTH) {
            return "Subject is longer than " + MAX_LENGTH + " characters";
        }
        int tokenStart = 0;
        int length = subject.length();
        for (int i = 0; i <= length; i++) {
            if (i == length || subject.charAt(i) == '.') {
                if (i == tokenStart) {
                    return "Subject has an empty token";
                }
                String problem = validateToken(subject, tokenStart, i, wildcardsAllowed, i == length);
                if (problem != null) {
                    return problem;
                }
                tokenStart = i + 1;
            }
        }
        return null;
    }

    private static String validateToken(String subject, int start, int end, boolean wildcardsAllowed, boolean last) {
        if (end - start == 1) {
            char c = subject.charAt(start);
            if (c == '*' || c == '>') {
                if (!wildcardsAllowed) {
                    return "Wildcards are not allowed here";
                }
                if (c == '>' && !last) {
                    return "'>' must be the last token";
                }
                return null;
            }
        }
        for (int i = start; i < end; i++) {
            char c = subject.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                if (c == '*' || c == '>') {
                    return "Wildcards must be whole tokens";
                }
                return "Subject has a character outside A-Z a-z 0-9 - _";
            }
        }
        return null;
    }

    /** Subjects devices can never name directly: system subjects and other clients' inboxes. */
    public static boolean isReserved(String subject) {
        return subject.startsWith("$") || subject.startsWith(INBOX_PREFIX) || subject.equals("_INBOX");
    }

    /**
     * Subjects only the gateway writes: its audit trail ({@code audit.>}). No device may publish there, whatever its
     * permissions say, or it could forge records into the trail.
     */
    public static boolean isGatewayOwned(String subject) {
        return subject.equals("audit") || subject.startsWith("audit.");
    }

    public static boolean hasWildcard(String subject) {
        return subject.equals("*") || subject.equals(">") || subject.contains(".*") || subject.contains(".>")
                || subject.startsWith("*.") || subject.startsWith(">.");
    }

    /** @return true when {@code pattern} matches the literal {@code subject} */
    public static boolean matches(String pattern, String subject) {
        return contains(pattern, subject);
    }

    /** @return true when every literal subject that {@code request} can match is matched by {@code grant} */
    public static boolean contains(String grant, String request) {
        int g = 0;
        int r = 0;
        int gLen = grant.length();
        int rLen = request.length();
        while (true) {
            boolean gDone = g >= gLen;
            boolean rDone = r >= rLen;
            if (gDone || rDone) {
                return gDone && rDone;
            }
            int gEnd = tokenEnd(grant, g);
            int rEnd = tokenEnd(request, r);
            if (isToken(grant, g, gEnd, '>')) {
                return true; // the request has at least one token left, and '>' covers any non-empty rest
            }
            if (isToken(request, r, rEnd, '>')) {
                return false; // the request reaches any depth here; only a '>' grant covers that
            }
            boolean requestStar = isToken(request, r, rEnd, '*');
            if (!isToken(grant, g, gEnd, '*')) {
                if (requestStar || !sameToken(grant, g, gEnd, request, r, rEnd)) {
                    return false;
                }
            }
            g = gEnd + 1;
            r = rEnd + 1;
        }
    }

    /** @return true when some literal subject is matched by both patterns */
    public static boolean overlaps(String a, String b) {
        int i = 0;
        int j = 0;
        int aLen = a.length();
        int bLen = b.length();
        while (true) {
            boolean aDone = i >= aLen;
            boolean bDone = j >= bLen;
            if (aDone || bDone) {
                return aDone && bDone;
            }
            int aEnd = tokenEnd(a, i);
            int bEnd = tokenEnd(b, j);
            if (isToken(a, i, aEnd, '>') || isToken(b, j, bEnd, '>')) {
                return true; // both have a token here, and '>' can take any non-empty remainder of the other
            }
            if (!isToken(a, i, aEnd, '*') && !isToken(b, j, bEnd, '*') && !sameToken(a, i, aEnd, b, j, bEnd)) {
                return false;
            }
            i = aEnd + 1;
            j = bEnd + 1;
        }
    }

    private static int tokenEnd(String s, int start) {
        int dot = s.indexOf('.', start);
        return dot < 0 ? s.length() : dot;
    }

    private static boolean isToken(String s, int start, int end, char wildcard) {
        return end - start == 1 && s.charAt(start) == wildcard;
    }

    private static boolean sameToken(String a, int aStart, int aEnd, String b, int bStart, int bEnd) {
        return aEnd - aStart == bEnd - bStart && a.regionMatches(aStart, b, bStart, aEnd - aStart);
    }
}
