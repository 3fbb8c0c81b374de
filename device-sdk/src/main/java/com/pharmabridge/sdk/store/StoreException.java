package com.pharmabridge.sdk.store;

/**
 * The offline store's database failed (disk full, I/O error, corrupt file, store closed...). Unchecked so the store's
 * API stays simple, but it must not be swallowed: when it comes from {@link OfflineStore#add} the message was NOT
 * stored.
 */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    StoreException(String message) {
        super(message);
    }
}
