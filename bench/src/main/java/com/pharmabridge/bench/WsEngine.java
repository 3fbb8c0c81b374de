package com.pharmabridge.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WebSocket clients on a few selector threads, written against the socket so that the generator costs as little CPU
 * as possible on a machine it shares with what it measures: frames are pre-built, several can go in one socket write,
 * and nothing is allocated per message on the way out. Client frames carry the all-zero masking key (RFC 6455 wants
 * an unpredictable one; servers do not check, and unmasking costs them the same), so a frame's bytes are its text.
 * <p>
 * Everything about one connection happens on its loop's thread; other threads hand work over with {@link Loop#execute}.
 */
final class WsEngine implements AutoCloseable {
    /** What a scenario does with a connection's events; called on the connection's loop thread. */
    interface Handler {
        /** The WebSocket upgrade succeeded; the scenario sends its login. */
        void opened(Conn conn);

        /** One complete text (or binary) message from the server. */
        void message(Conn conn, byte[] data, int offset, int length);

        /** The connection is gone (closed by either side, or failed to open). */
        default void closed(Conn conn, String why) {
        }

        /** The socket can take more and nothing is queued: a pumping scenario writes its next frames now. */
        default void writable(Conn conn) {
        }
    }

    /** Called once per loop iteration (about every millisecond when set) with {@link System#nanoTime()}. */
    interface Ticker {
        void tick(Loop loop, long now);
    }

    private final Loop[] loops;
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    WsEngine(int threads, String name) throws IOException {
        loops = new Loop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new Loop(name + "-" + i);
            loops[i].thread.start();
        }
    }

    Loop[] loops() {
        return loops;
    }

    long openedCount() {
        return opened.get();
    }

    long failedCount() {
        return failed.get();
    }

    /**
     * Starts a connection (from any thread).
     *
     * @param local the source address to bind, or {@code null} for the default
     */
    Conn connect(URI uri, String localAddress, Handler handler, int index) {
        Loop loop = loops[Math.floorMod(index, loops.length)];
        Conn conn = new Conn(loop, uri, handler, index);
        loop.execute(() -> conn.start(localAddress));
        return conn;
    }

    @Override
    public void close() {
        for (Loop loop : loops) {
            loop.stop();
        }
    }

    /** One selector thread and the connections on it. */
    final class Loop implements Runnable {
        final Thread thread;
        private final Selector selector;
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);
        final List<Conn> conns = new ArrayList<>();
        private volatile boolean running = true;
        private volatile Ticker ticker;

        Loop(String name) throws IOException {
            selector = Selector.open();
            thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        void execute(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }

        void ticker(Ticker t) {
            ticker = t;
            selector.wakeup();
        }

        void stop() {
            running = false;
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (running) {
                    Ticker t = ticker;
                    if (t == null) {
                        selector.select(100);
                    } else {
                        selector.select(1);
                    }
                    var keys = selector.selectedKeys();
                    if (!keys.isEmpty()) {
                        for (SelectionKey key : keys) {
                            Conn conn = (Conn) key.attachment();
                            try {
                                if (!key.isValid()) {
                                    continue;
                                }
                                if (key.isConnectable()) {
                                    conn.finishConnect();
                                } else {
                                    if (key.isReadable()) {
                                        conn.read(readBuffer);
                                    }
                                    if (key.isValid() && key.isWritable()) {
                                        conn.onWritable();
                                    }
                                }
                            } catch (IOException | CancelledKeyException e) {
                                conn.fail(e.toString());
                            }
                        }
                        keys.clear();
                    }
                    Runnable task;
                    while ((task = tasks.poll()) != null) {
                        task.run();
                    }
                    if (t != null) {
                        t.tick(this, System.nanoTime());
                    }
                }
            } catch (IOException | ClosedSelectorException e) {
                // engine closed
            } finally {
                for (Conn conn : new ArrayList<>(conns)) {
                    conn.abort();
                }
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    /** One WebSocket client connection. */
    final class Conn {
        final Loop loop;
        final URI uri;
        final Handler handler;
        final int index;
        /** Scenario state, touched only on the loop thread. */
        Object state;
        long sent;
        long received;
        long errors;
        private SocketChannel channel;
        private SelectionKey key;
        private boolean open;
        private boolean closed;
        private boolean pumping;
        private ByteBuffer out = ByteBuffer.allocate(512);
        private byte[] in; // partial frame bytes carried between reads
        private int inLength;
        private byte[] message; // a fragmented message being reassembled
        private int messageLength;
        private final StringBuilder handshake = new StringBuilder();

        Conn(Loop loop, URI uri, Handler handler, int index) {
            this.loop = loop;
            this.uri = uri;
            this.handler = handler;
            this.index = index;
        }

        boolean isOpen() {
            return open && !closed;
        }

        void start(String localAddress) {
            try {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                // What a device has written but the server not yet read stays small: a trial's backlog must not
                // spill into the next one.
                channel.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
                if (localAddress != null) {
                    channel.bind(new InetSocketAddress(localAddress, 0));
                }
                loop.conns.add(this);
                key = channel.register(loop.selector, SelectionKey.OP_CONNECT, this);
                if (channel.connect(new InetSocketAddress(uri.getHost(), uri.getPort()))) {
                    finishConnect();
                }
            } catch (IOException e) {
                fail("connect: " + e);
            }
        }

        void finishConnect() throws IOException {
            if (!channel.finishConnect()) {
                return;
            }
            key.interestOps(SelectionKey.OP_READ);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            writeRaw(request.getBytes(StandardCharsets.US_ASCII), 0, request.length());
        }

        /** Queues bytes that are already WebSocket frames and writes what the socket takes. */
        void writeRaw(byte[] bytes, int offset, int length) {
            if (closed) {
                return;
            }
            if (out.remaining() < length) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + length + 256));
                out.flip();
                bigger.put(out);
                out = bigger;
            }
            out.put(bytes, offset, length);
            flush();
        }

        /** Sends one text message as a single masked frame (all-zero key). */
        void sendText(byte[] text, int offset, int length) {
            byte[] frame = frame(text, offset, length);
            writeRaw(frame, 0, frame.length);
        }

        void sendText(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            sendText(bytes, 0, bytes.length);
        }

        /** @return true when nothing is waiting to be written */
        boolean drained() {
            return out.position() == 0;
        }

        private void flush() {
            if (closed || channel == null) {
                return;
            }
            try {
                out.flip();
                channel.write(out);
                out.compact();
            } catch (IOException e) {
                fail("write: " + e);
                return;
            }
            updateInterest();
        }

        /** Asks for {@link Handler#writable} calls whenever the socket can take more (max-rate sending). */
        void pump(boolean on) {
            pumping = on;
            updateInterest();
        }

        private void updateInterest() {
            if (key == null || !key.isValid() || (key.interestOps() & SelectionKey.OP_CONNECT) != 0) {
                return;
            }
            int ops = SelectionKey.OP_READ;
            if (out.position() > 0 || (pumping && open)) {
                ops |= SelectionKey.OP_WRITE;
            }
            if (key.interestOps() != ops) {
                key.interestOps(ops);
            }
        }

        void onWritable() {
            if (out.position() > 0) {
                flush();
            }
            if (out.position() == 0 && pumping && open && !closed) {
                handler.writable(this);
            }
        }

        void read(ByteBuffer buffer) throws IOException {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                fail("closed by server");
                return;
            }
            if (n == 0) {
                return;
            }
            byte[] data = buffer.array();
            int offset = 0;
            int length = n;
            if (!open) {
                int used = readHandshake(data, 0, n);
                if (used < 0 || closed) {
                    return;
                }
                offset = used;
                length = n - used;
            }
            if (inLength > 0) {
                append(data, offset, length);
                int consumed = frames(in, 0, inLength);
                System.arraycopy(in, consumed, in, 0, inLength - consumed);
                inLength -= consumed;
            } else if (length > 0) {
                int consumed = frames(data, offset, length);
                if (consumed < length) {
                    append(data, offset + consumed, length - consumed);
                }
            }
        }

        private void append(byte[] data, int offset, int length) {
            if (in == null || in.length < inLength + length) {
                byte[] bigger = new byte[Math.max(1024, (inLength + length) * 2)];
                if (in != null) {
                    System.arraycopy(in, 0, bigger, 0, inLength);
                }
                in = bigger;
            }
            System.arraycopy(data, offset, in, inLength, length);
            inLength += length;
        }

        /** @return bytes of the HTTP answer consumed, or -1 while it is incomplete */
        private int readHandshake(byte[] data, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                handshake.append((char) data[i]);
                int size = handshake.length();
                if (size >= 4 && handshake.charAt(size - 1) == '\n' && handshake.charAt(size - 2) == '\r'
                        && handshake.charAt(size - 3) == '\n' && handshake.charAt(size - 4) == '\r') {
                    String status = handshake.substring(0, Math.min(handshake.length(), 40));
                    if (!status.startsWith("HTTP/1.1 101")) {
                        fail("upgrade refused: " + status.split("\r\n")[0]);
                        return -1;
                    }
                    open = true;
                    handshake.setLength(0);
                    opened.incrementAndGet();
                    updateInterest();
                    handler.opened(this);
                    return i + 1 - offset;
                }
            }
            return -1;
        }

        /** Parses whole frames from the range; @return bytes consumed */
        private int frames(byte[] b, int offset, int length) {
            int p = offset;
            int end = offset + length;
            while (end - p >= 2 && !closed) {
                int b0 = b[p] & 0xFF;
                int b1 = b[p + 1] & 0xFF;
                int header = 2;
                long size = b1 & 0x7F;
                if (size == 126) {
                    if (end - p < 4) {
                        break;
                    }
                    size = ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
                    header = 4;
                } else if (size == 127) {
                    if (end - p < 10) {
                        break;
                    }
                    size = 0;
                    for (int i = 0; i < 8; i++) {
                        size = (size << 8) | (b[p + 2 + i] & 0xFF);
                    }
                    header = 10;
                }
                if ((b1 & 0x80) != 0) {
                    header += 4; // servers do not mask; tolerate it anyway by skipping the key (payload stays masked)
                }
                if (end - p < header + size) {
                    break;
                }
                int payload = p + header;
                int opcode = b0 & 0x0F;
                boolean fin = (b0 & 0x80) != 0;
                switch (opcode) {
                    case 0x1, 0x2 -> {
                        if (fin) {
                            received++;
                            handler.message(this, b, payload, (int) size);
                        } else {
                            messageLength = 0;
                            appendMessage(b, payload, (int) size);
                        }
                    }
                    case 0x0 -> {
                        appendMessage(b, payload, (int) size);
                        if (fin) {
                            received++;
                            handler.message(this, message, 0, messageLength);
                            messageLength = 0;
                        }
                    }
                    case 0x8 -> fail("close frame from server");
                    case 0x9 -> { // ping: answer with a pong carrying the same data
                        byte[] pong = control(0xA, b, payload, (int) size);
                        writeRaw(pong, 0, pong.length);
                    }
                    default -> {
                        // pong: nothing to do
                    }
                }
                p += header + (int) size;
            }
            return p - offset;
        }

        private void appendMessage(byte[] b, int offset, int length) {
            if (message == null || message.length < messageLength + length) {
                byte[] bigger = new byte[Math.max(1024, (messageLength + length) * 2)];
                if (message != null) {
                    System.arraycopy(message, 0, bigger, 0, messageLength);
                }
                message = bigger;
            }
            System.arraycopy(b, offset, message, messageLength, length);
            messageLength += length;
        }

        void close() {
            if (Thread.currentThread() != loop.thread) {
                loop.execute(this::close);
                return;
            }
            if (closed) {
                return;
            }
            abort();
            handler.closed(this, "closed by client");
        }

        void fail(String why) {
            if (closed) {
                return;
            }
            if (!open) {
                failed.incrementAndGet();
            }
            abort();
            handler.closed(this, why);
        }

        private void abort() {
            closed = true;
            open = false;
            loop.conns.remove(this);
            try {
                if (key != null) {
                    key.cancel();
                }
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** A client text frame with the all-zero masking key, so the payload goes unchanged. */
    static byte[] frame(byte[] text, int offset, int length) {
        int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
        byte[] frame = new byte[header + 4 + length];
        frame[0] = (byte) 0x81;
        if (length < 126) {
            frame[1] = (byte) (0x80 | length);
        } else if (length < 65536) {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        System.arraycopy(text, offset, frame, header + 4, length);
        return frame;
    }

    static byte[] frame(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return frame(bytes, 0, bytes.length);
    }

    /** Offset of the text inside a frame built by {@link #frame}. */
    static int textOffset(int length) {
        return (length < 126 ? 2 : length < 65536 ? 4 : 10) + 4;
    }

    private static byte[] control(int opcode, byte[] data, int offset, int length) {
        byte[] frame = new byte[2 + 4 + length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) (0x80 | length);
        System.arraycopy(data, offset, frame, 6, length);
        return frame;
    }
}
