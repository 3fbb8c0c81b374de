package com.pharmabridge.gateway.testing;

import com.pharmabridge.gateway.natsserver.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A real nats-server with JetStream on a free port and its own store, plus a plain jnats client to observe it. */
public final class NatsFixture implements AutoCloseable {
    private final NatsServerProcess server;
    private Connection observer;

    private NatsFixture(NatsServerProcess server) {
        this.server = server;
    }

    public static NatsFixture start() throws IOException {
        Path store = Files.createTempDirectory("pharmabridge-nats-");
        return new NatsFixture(NatsServerProcess.start(store));
    }

    public String url() {
        return server.url();
    }

    public NatsServerProcess server() {
        return server;
    }

    /** A separate client connection, as another application on the plant bus would have. */
    public synchronized Connection observer() throws IOException, InterruptedException {
        if (observer == null || observer.getStatus() == Connection.Status.CLOSED) {
            observer = Nats.connect(new Options.Builder().server(url()).reportNoResponders()
                    .maxReconnects(-1).reconnectWait(Duration.ofMillis(100)).build());
        }
        return observer;
    }

    @Override
    public void close() throws InterruptedException {
        if (observer != null) {
            observer.close();
        }
        server.close();
    }
}
