package com.pharmabridge.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated device on either side: the PharmaBridge protocol towards the gateway, or the NATS protocol towards
 * nats-server's WebSocket listener. It logs in when the socket opens and reports what comes back to its scenario.
 * Runs on its connection's loop thread.
 */
final class Device implements WsEngine.Handler {
    enum Side {
        NATIVE("native nats-server WebSocket"), GATEWAY("PharmaBridge gateway");

        final String label;

        Side(String label) {
            this.label = label;
        }
    }

    /** What a scenario hears from its devices; every call on the device's loop thread. */
    interface Listener {
        default void subscribed(Device device) {
        }

        default void delivered(Device device, byte[] b, int offset, int length) {
        }

        default void acked(Device device) {
        }

        default void writable(Device device) {
        }
    }

    private static final byte[] PONG_FRAME = WsEngine.frame("PONG\r\n");

    final Side side;
    final int index;
    final String token;
    volatile boolean ready;
    volatile boolean subscribed;
    volatile boolean gone;
    volatile String problem;
    long errors;
    long delivered;
    long acked;
    long sent;
    /** Scenario state, confined to the loop thread. */
    Object state;
    WsEngine.Conn conn;
    private final Fleet fleet;
    private final Wire.NatsReader natsReader;
    private int pongs;
    private final NatsEvents natsEvents = new NatsEvents();

    Device(Side side, int index, String token, Fleet fleet) {
        this.side = side;
        this.index = index;
        this.token = token;
        this.fleet = fleet;
        this.natsReader = side == Side.NATIVE ? new Wire.NatsReader() : null;
    }

    @Override
    public void opened(WsEngine.Conn c) {
        conn = c;
        if (side == Side.GATEWAY) {
            c.sendText(Wire.gatewayAuth(index, token));
        }
        // nats-server speaks first (INFO); CONNECT goes out then.
    }

    void subscribe(String subject) {
        conn.loop.execute(() -> {
            if (side == Side.GATEWAY) {
                conn.sendText(Wire.gatewaySubscribe(subject));
            } else {
                conn.sendText(Wire.natsSub(subject, 1));
            }
        });
    }

    @Override
    public void message(WsEngine.Conn c, byte[] b, int offset, int length) {
        conn = c;
        if (side == Side.NATIVE) {
            natsReader.feed(b, offset, length, natsEvents);
            return;
        }
        int type = Wire.gatewayType(b, offset, length);
        switch (type) {
            case 3 -> {
                delivered++;
                fleet.listener.delivered(this, b, offset, length);
            }
            case 6 -> {
                if (!subscribed && Wire.contains(b, offset, length, "\"correlationId\":\"sub\"")) {
                    subscribed = true;
                    fleet.listener.subscribed(this);
                } else {
                    acked++;
                    fleet.listener.acked(this);
                }
            }
            case 8 -> {
                if (Wire.contains(b, offset, length, "\"success\":true")) {
                    becomeReady();
                } else {
                    problem = new String(b, offset, length, StandardCharsets.UTF_8);
                    fleet.failedLogin();
                }
            }
            case 7 -> error(new String(b, offset, Math.min(length, 300), StandardCharsets.UTF_8));
            default -> {
                // pong and anything else: not counted
            }
        }
    }

    private void error(String text) {
        errors++;
        if (problem == null) {
            problem = text;
        }
        fleet.errors.incrementAndGet();
    }

    private void becomeReady() {
        if (!ready) {
            ready = true;
            fleet.becameReady();
        }
    }

    @Override
    public void writable(WsEngine.Conn c) {
        fleet.listener.writable(this);
    }

    @Override
    public void closed(WsEngine.Conn c, String why) {
        gone = true;
        if (!fleet.closing && problem == null) {
            problem = why;
        }
        if (!ready) {
            fleet.failedLogin();
        }
    }

    private final class NatsEvents implements Wire.NatsReader.Events {
        @Override
        public void info() {
            if (pongs == 0 && conn != null) {
                conn.sendText(Wire.NATS_CONNECT);
            }
        }

        @Override
        public void ping() {
            conn.writeRaw(PONG_FRAME, 0, PONG_FRAME.length);
        }

        @Override
        public void pong() {
            pongs++;
            if (pongs == 1) {
                becomeReady();
            } else if (!subscribed) {
                subscribed = true;
                fleet.listener.subscribed(Device.this);
            }
        }

        @Override
        public void msg(byte[] b, int payloadOffset, int payloadLength) {
            delivered++;
            fleet.listener.delivered(Device.this, b, payloadOffset, payloadLength);
        }

        @Override
        public void err(String text) {
            error(text);
        }
    }

    /** Devices of one side, opened together with a bound on logins in progress (a reconnect storm). */
    static final class Fleet implements AutoCloseable {
        final Side side;
        final List<Device> devices = new ArrayList<>();
        final AtomicLong errors = new AtomicLong();
        final Listener listener;
        private final AtomicInteger readyCount = new AtomicInteger();
        private final AtomicInteger failedCount = new AtomicInteger();
        private final Object progress = new Object();
        volatile boolean closing;
        long openNanos;

        Fleet(Side side, Listener listener) {
            this.side = side;
            this.listener = listener;
        }

        void becameReady() {
            readyCount.incrementAndGet();
            synchronized (progress) {
                progress.notifyAll();
            }
        }

        void failedLogin() {
            failedCount.incrementAndGet();
            synchronized (progress) {
                progress.notifyAll();
            }
        }

        int ready() {
            return readyCount.get();
        }

        /**
         * Opens {@code n} devices, at most {@code inFlight} logins at a time, and waits until all are ready.
         *
         * @param sourceAddresses loopback source addresses to spread the connections over (ephemeral ports run out
         *                        near 28,000 per address); empty for the default
         */
        static Fleet open(WsEngine engine, Side side, java.net.URI uri, String[] tokens, int first, int n,
                          int inFlight, List<String> sourceAddresses, Listener listener, long timeoutMillis)
                throws InterruptedException {
            Fleet fleet = new Fleet(side, listener);
            long start = System.nanoTime();
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            int perAddress = sourceAddresses.isEmpty() ? Integer.MAX_VALUE
                    : (n + sourceAddresses.size() - 1) / sourceAddresses.size();
            for (int k = 0; k < n; k++) {
                int i = first + k;
                synchronized (fleet.progress) {
                    while (k - fleet.readyCount.get() - fleet.failedCount.get() >= inFlight) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(side + ": logins stalled at " + fleet.ready() + " of " + n);
                        }
                        fleet.progress.wait(50);
                    }
                }
                Device device = new Device(side, i, tokens == null ? null : tokens[i], fleet);
                fleet.devices.add(device);
                String local = sourceAddresses.isEmpty() ? null : sourceAddresses.get(k / perAddress);
                device.conn = engine.connect(uri, local, device, i);
            }
            synchronized (fleet.progress) {
                while (fleet.readyCount.get() + fleet.failedCount.get() < n) {
                    if (System.nanoTime() > deadline) {
                        break;
                    }
                    fleet.progress.wait(50);
                }
            }
            fleet.openNanos = System.nanoTime() - start;
            if (fleet.ready() < n) {
                String why = fleet.devices.stream().map(d -> d.problem).filter(p -> p != null).findFirst().orElse("timeout");
                fleet.close();
                throw new IllegalStateException(side.label + ": only " + fleet.ready() + " of " + n
                        + " devices logged in (" + fleet.failedCount.get() + " failed; first problem: " + why + ")");
            }
            return fleet;
        }

        /** Subscribes every device to its subject and waits for each confirmation. */
        void subscribeAll(java.util.function.IntFunction<String> subjectOf, long timeoutMillis)
                throws InterruptedException {
            for (Device d : devices) {
                d.subscribe(subjectOf.apply(d.index));
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            for (Device d : devices) {
                while (!d.subscribed) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(side.label + ": device " + d.index + " not subscribed ("
                                + d.problem + ")");
                    }
                    TimeUnit.MILLISECONDS.sleep(5);
                }
            }
        }

        long sum(java.util.function.ToLongFunction<Device> f) {
            long total = 0;
            for (Device d : devices) {
                total += f.applyAsLong(d);
            }
            return total;
        }

        String firstProblem() {
            return devices.stream().map(d -> d.problem).filter(p -> p != null).findFirst().orElse(null);
        }

        @Override
        public void close() {
            closing = true;
            for (Device d : devices) {
                if (d.conn != null) {
                    d.conn.close();
                }
            }
        }
    }
}
