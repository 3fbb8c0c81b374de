package com.pharmabridge.simulator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * One device's network cable: a TCP relay on 127.0.0.1 between the device and the gateway. {@link #cut()} breaks
 * the device's open connections and refuses new ones until {@link #restore()}, as an unplugged cable or a failed
 * switch would; the device sees real connection failures and recovers with its own reconnect logic. TLS passes
 * through untouched.
 */
final class NetworkRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkRelay.class);

    private final String deviceId;
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final ExecutorService pumps;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean closed;

    private NetworkRelay(String deviceId, InetSocketAddress target, ServerSocket server, ExecutorService pumps) {
        this.deviceId = deviceId;
        this.target = target;
        this.server = server;
        this.pumps = pumps;
    }

    /**
     * @param pumps runs the accept loop and two copying tasks per open connection; shared by all relays of a run
     */
    static NetworkRelay start(String deviceId, InetSocketAddress target, ExecutorService pumps) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        NetworkRelay relay = new NetworkRelay(deviceId, target, server, pumps);
        pumps.execute(relay::acceptLoop);
        return relay;
    }

    int port() {
        return server.getLocalPort();
    }

    boolean isCut() {
        return cut;
    }

    /** Breaks every open connection of the device and refuses new ones. */
    void cut() {
        cut = true;
        closeAll();
        LOG.info("Network of {} cut", deviceId);
    }

    void restore() {
        cut = false;
        LOG.info("Network of {} restored", deviceId);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        closeAll();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket device;
            try {
                device = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut) {
                quietlyClose(device); // the cable is out: the connection fails at once
                continue;
            }
            try {
                Socket gateway = new Socket();
                gateway.connect(target, 5_000);
                device.setTcpNoDelay(true);
                gateway.setTcpNoDelay(true);
                open.add(device);
                open.add(gateway);
                pumps.execute(() -> pump(device, gateway));
                pumps.execute(() -> pump(gateway, device));
            } catch (IOException | RejectedExecutionException e) {
                quietlyClose(device); // the gateway is not there: the device sees its connection fail
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: close both below
        } finally {
            quietlyClose(from);
            quietlyClose(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private void closeAll() {
        for (Socket socket : open) {
            quietlyClose(socket);
        }
        open.clear();
    }

    private static void quietlyClose(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
