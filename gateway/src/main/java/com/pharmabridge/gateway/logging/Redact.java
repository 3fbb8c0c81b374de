package com.pharmabridge.gateway.logging;

import java.util.regex.Pattern;

/** Keeps secrets out of log lines: what the gateway logs about a URL never includes its user information. */
public final class Redact {
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@,\\s]+@");

    private Redact() {
    }

    /** {@code nats://user:secret@host:4222} becomes {@code nats://***@host:4222}; each URL of a list alike. */
    public static String url(String url) {
        return url == null ? null : USER_INFO.matcher(url).replaceAll("***@");
    }
}
