package com.pharmabridge.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1 in front of a local port. {@link #freezeExisting()} turns every connection made so far into
 * a dead one: both sockets stay open, but nothing is relayed any more in either direction (what arrives is read and
 * discarded), as with a cable pulled behind a switch or a NAT entry that expired. New connections are relayed normally.
 */
final class FreezableProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    private final class Connection {
        final Socket client;
        final Socket target;
        volatile boolean frozen;

        Connection(Socket client, Socket target) {
            this.client = client;
            this.target = target;
        }

        void start() {
            relay(client, target, "up");
            relay(target, client, "down");
        }

        private void relay(Socket from, Socket to, String direction) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        if (!frozen) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    }
                } catch (IOException e) {
                    // one side closed
                } finally {
                    if (!frozen) {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                }
            }, "proxy-" + direction + "-" + from.getPort());
            t.setDaemon(true);
            t.start();
        }

        void close() {
            closeQuietly(client);
            closeQuietly(target);
        }
    }

    FreezableProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                Connection connection = new Connection(client, target);
                connections.add(connection);
                connection.start();
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection fail
            }
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** @return how many connections were accepted so far */
    int accepted() {
        return accepted.get();
    }

    /** Stops relaying on every connection made so far; their sockets stay open. */
    void freezeExisting() {
        connections.forEach(c -> c.frozen = true);
    }

    @Override
    public void close() throws IOException {
        server.close();
        connections.forEach(Connection::close);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
