package com.pharmabridge.gateway.auth;

import com.pharmabridge.gateway.registry.DeviceRegistry;
import com.pharmabridge.gateway.registry.RegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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
    private volatile FileTime lastModified;
    private volatile long lastSize = -1;

    public RegistryWatcher(Path file) {
        this.file = file;
        current.set(DeviceRegistry.load(file));
        remember();
    }

    @Override
    public DeviceRegistry get() {
        return current.get();
    }

    public Path file() {
        return file;
    }

    /** Reloads when the file changed; calls {@code onChange} with the new registry. */
    public void poll(Consumer<DeviceRegistry> onChange) {
        FileTime modified = modifiedTime();
        long size = size();
        if (java.util.Objects.equals(modified, lastModified) && size == lastSize) {
            return;
        }
        try {
            DeviceRegistry loaded = DeviceRegistry.load(file);
            current.set(loaded);
            lastModified = modified;
            lastSize = size;
            LOG.info("Device registry {} reloaded: {} devices", file, loaded.devices().size());
            onChange.accept(loaded);
        } catch (RegistryException e) {
            lastModified = modified;
            lastSize = size;
            LOG.error("Device registry {} not reloaded, the previous one stays in force: {}", file, e.getMessage());
        }
    }

    private void remember() {
        lastModified = modifiedTime();
        lastSize = size();
    }

    private FileTime modifiedTime() {
        try {
            return Files.exists(file) ? Files.getLastModifiedTime(file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private long size() {
        try {
            return Files.exists(file) ? Files.size(file) : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
