/**
 * Durable offline store of the device SDK: every confirmed publish is written to a local SQLite database (WAL,
 * {@code synchronous=FULL}) before it is sent and removed when the gateway acknowledges it, so a reading survives a
 * lost connection, a process crash and a power cut. Entry point: {@link com.pharmabridge.sdk.store.OfflineStore}.
 */
package com.pharmabridge.sdk.store;
