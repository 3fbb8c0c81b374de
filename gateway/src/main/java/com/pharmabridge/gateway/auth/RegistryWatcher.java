package com.pharmabridge.gateway.auth;

import com.pharmabridge.gateway.registry.DeviceRegistry;
import com.pharmabridge.gateway.registry.RegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps the registry file's current content in memory and reloads it when the file changes, so the CLI can add,
 * rotate and revoke devices while the gateway runs. A broken file keeps the last good registry in force.
 */
public final class RegistryWatcher implements Supplier<DeviceRegistry> {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryWatcher.class);

    private final Path file;
    private final AtomicReference<DeviceRegistry> current = new AtomicReference<>();
    /** Content, not modification time: two edits within the clock's resolution must not be missed. */
    private volatile byte[] lastDigest;

    public RegistryWatcher(Path file) {
        this.file = file;
        current.set(DeviceRegistry.load(file));
        lastDigest = digest();
    }

    @Override
    public DeviceRegistry get() {
        return current.get();
    }

    public Path file() {
        return file;
    }

    /** Reloads when the file's content changed; calls {@code onChange} with the new registry. */
    public void poll(Consumer<DeviceRegistry> onChange) {
        byte[] digest = digest();
        if (MessageDigest.isEqual(digest, lastDigest)) {
            return;
        }
        lastDigest = digest;
        try {
            DeviceRegistry loaded = DeviceRegistry.load(file);
            current.set(loaded);
            LOG.info("Device registry {} reloaded: {} devices", file, loaded.devices().size());
            onChange.accept(loaded);
        } catch (RegistryException e) {
            LOG.error("Device registry {} not reloaded, the previous one stays in force: {}", file, e.getMessage());
        }
    }

    private byte[] digest() {
        try {
            byte[] content = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (IOException e) {
            return new byte[0];
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
