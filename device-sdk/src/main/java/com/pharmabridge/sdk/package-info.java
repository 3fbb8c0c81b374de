/**
 * Java client for packaging-line equipment: connect and authenticate, publish with confirmation (kept in a local
 * SQLite store until the gateway acknowledges it), subscribe, request and reply, and reconnect by itself.
 */
package com.pharmabridge.sdk;
