package com.pharmabridge.demo;

import com.pharmabridge.gateway.auth.PemKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;

/**
 * The demo signs its audit checkpoints with a key of its own, made on first use in the data directory, so that
 * {@code audit verify --public-key data/demo/audit/demo-audit.pub.pem} has something to check. A plant makes its key
 * with {@code audit keygen} and keeps the private half elsewhere.
 */
final class DemoAuditKey {
    static final String KEY_ID = "demo-audit";

    private DemoAuditKey() {
    }

    /** @return the private key file, created with its public half when missing */
    static Path ensure(Path dir) throws IOException {
        Path privateKey = dir.resolve(KEY_ID + ".key.pem");
        if (Files.exists(privateKey)) {
            return privateKey;
        }
        Files.createDirectories(dir);
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every Java 17 runtime", e);
        }
        Files.writeString(privateKey, PemKeys.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        try {
            Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        Files.writeString(dir.resolve(KEY_ID + ".pub.pem"), PemKeys.pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        return privateKey;
    }
}
