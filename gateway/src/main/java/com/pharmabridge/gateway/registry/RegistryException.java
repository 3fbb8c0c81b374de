package com.pharmabridge.gateway.registry;

/** The registry file cannot be read or a registry operation cannot be done; the message says why. */
public class RegistryException extends RuntimeException {
    public RegistryException(String message) {
        super(message);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
