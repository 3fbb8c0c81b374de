package com.pharmabridge.gateway.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A bare-bones WebSocket client over a plain socket, for what well-behaved clients never do: ignore pings, send
 * oversized or out-of-order frames. It answers nothing on its own.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CONTINUATION = 0x0;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final SecureRandom random = new SecureRandom();
    private String handshakeResponse;

    /** A frame as received; {@code rsv} the three reserved bits (RSV1 = 4: compressed, with permessage-deflate). */
    public record Frame(int opcode, boolean fin, int rsv, boolean masked, byte[] payload) {
        public Frame(int opcode, boolean fin, byte[] payload) {
            this(opcode, fin, 0, false, payload);
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or -1. */
        public int closeCode() {
            return opcode == CLOSE && payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }
    }

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawWebSocket connect(int port) throws IOException {
        return connect(port, 0);
    }

    /**
     * @param receiveBuffer the socket's receive buffer in bytes (0: the system's); a small one makes a reader that
     *                      does not read fill up quickly instead of after tens of megabytes of kernel buffering
     */
    public static RawWebSocket connect(int port, int receiveBuffer) throws IOException {
        return connect(port, receiveBuffer, "");
    }

    /** As above, with more request headers ({@code "Name: value\r\n"} each), e.g. to offer an extension. */
    public static RawWebSocket connect(int port, int receiveBuffer, String extraHeaders) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(15_000);
        RawWebSocket ws = new RawWebSocket(socket);
        byte[] nonce = new byte[16];
        ws.random.nextBytes(nonce);
        String request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n"
                + extraHeaders + "\r\n";
        ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        String status = ws.readHeaders();
        ws.handshakeResponse = status;
        if (!status.contains(" 101 ")) {
            throw new IOException("Upgrade refused: " + status);
        }
        return ws;
    }

    private String readHeaders() throws IOException {
        StringBuilder headers = new StringBuilder();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("Connection closed during handshake");
            }
            headers.append((char) b);
            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
        }
        return headers.toString();
    }

    /** The server's answer to the upgrade: status line and headers. */
    public String handshakeResponse() {
        return handshakeResponse;
    }

    public void sendText(String text) throws IOException {
        sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one frame, masked as a client must. The length may be announced without sending it all (see below). */
    public void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
        writeHeader(opcode, fin, payload.length);
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        out.write(mask);
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        out.write(masked);
        out.flush();
    }

    /** Announces a frame of {@code length} bytes and sends only the header: enough for a size check to refuse it. */
    public void announceFrame(int opcode, long length) throws IOException {
        writeHeader(opcode, true, length);
        out.write(new byte[4]);
        out.flush();
    }

    private void writeHeader(int opcode, boolean fin, long length) throws IOException {
        out.write((fin ? 0x80 : 0) | opcode);
        if (length < 126) {
            out.write(0x80 | (int) length);
        } else if (length <= 0xFFFF) {
            out.write(0x80 | 126);
            out.write((int) (length >> 8) & 0xFF);
            out.write((int) length & 0xFF);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (length >> shift) & 0xFF);
            }
        }
    }

    /** Reads the next frame; control frames included, nothing answered. */
    public Frame readFrame() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        boolean masked = (second & 0x80) != 0;
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] mask = new byte[4];
        if (masked) {
            in.readFully(mask);
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        for (int i = 0; masked && i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
        }
        return new Frame(first & 0x0F, (first & 0x80) != 0, (first >> 4) & 0x7, masked, payload);
    }

    /** Reads frames until a close frame (returned) or the end of the stream ({@code null}). */
    public Frame readUntilClose() throws IOException {
        while (true) {
            Frame frame;
            try {
                frame = readFrame();
            } catch (java.io.EOFException e) {
                return null;
            }
            if (frame.opcode() == CLOSE) {
                return frame;
            }
        }
    }

    public InputStream input() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
