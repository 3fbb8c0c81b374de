package com.pharmabridge.gateway.bridge;

import io.nats.client.impl.Headers;

/** The headers of a received message, as far as a delivery reads them: jnats' for its path, our own for the loop's. */
@FunctionalInterface
public interface HeaderValues {
    /** The first value of the header {@code name} (exact key), or {@code null}. */
    String first(String name);

    /** @return a view of jnats' headers, or {@code null} for none */
    static HeaderValues of(Headers headers) {
        return headers == null ? null : headers::getFirst;
    }
}
