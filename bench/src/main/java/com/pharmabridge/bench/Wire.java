package com.pharmabridge.bench;

import java.nio.charset.StandardCharsets;

/**
 * What goes over the wire on either side: the same 200-byte JSON payloads (telemetry full of numbers, valid under the
 * gateway's shipped telemetry schema), as PharmaBridge envelopes for the gateway and as NATS {@code PUB} commands for
 * nats-server's own WebSocket listener; and the parsers that recognise answers, deliveries and errors.
 */
final class Wire {
    static final int PAYLOAD_SIZE = 200;
    /** Where a latency payload's 19-digit send time starts, counted from the payload's first byte. */
    static final String SENT_AT = "\"sentAt\":";
    private static final byte[] SENT_AT_BYTES = SENT_AT.getBytes(StandardCharsets.US_ASCII);

    private Wire() {
    }

    /** A telemetry reading of exactly {@link #PAYLOAD_SIZE} bytes, varied a little by device. */
    static String payload(int device) {
        double base = 180 + (device % 50) / 10.0;
        String head = "{\"value\":" + fmt(base + 0.53) + ",\"unit\":\"C\",\"zone\":\"upper\",\"batchId\":\"B26-BENCH-001\""
                + ",\"setpoint\":185.0,\"min\":" + fmt(base - 0.88) + ",\"max\":" + fmt(base + 1.91)
                + ",\"mean\":" + fmt(base + 0.47) + ",\"samples\":[" + fmt(base + 0.51) + "," + fmt(base + 0.49) + ","
                + fmt(base + 0.6) + "," + fmt(base + 0.38) + "," + fmt(base + 0.44) + "]";
        return pad(head);
    }

    /** A latency probe: like {@link #payload} with a fixed-width {@code sentAt} to overwrite per message. */
    static String latencyPayload(int device) {
        String head = "{\"value\":" + fmt(180 + (device % 50) / 10.0) + ",\"unit\":\"C\",\"batchId\":\"B26-BENCH-001\","
                + SENT_AT + "1000000000000000000,\"min\":179.12,\"max\":186.91,\"samples\":[185.51,185.49,185.6]";
        return pad(head);
    }

    private static String pad(String head) {
        int digits = PAYLOAD_SIZE - head.length() - ",\"n\":".length() - 1;
        if (digits < 1) {
            throw new IllegalStateException("payload head too long: " + head.length());
        }
        return head + ",\"n\":1" + "0".repeat(digits - 1) + "}";
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.2f", v);
    }

    static String ingestSubject(int device) {
        return "factory.bench.l" + (device % 10) + "." + GatewayRig.deviceId(device) + ".temperature";
    }

    static String ackedSubject(int device) {
        return "telemetry.bench." + GatewayRig.deviceId(device) + ".weight";
    }

    static String latencySubject(int device) {
        return "factory.bench.lat." + GatewayRig.deviceId(device) + ".echo";
    }

    static final String FANOUT_SUBJECT = "fanout.bench.all";

    // ---- gateway envelopes --------------------------------------------------------------------------------------

    static String gatewayAuth(int device, String token) {
        return "{\"type\":8,\"payload\":{\"deviceId\":\"" + GatewayRig.deviceId(device) + "\",\"token\":\"" + token
                + "\",\"protocolVersion\":\"1.0\",\"sdkVersion\":\"bench/1\"}}";
    }

    static String gatewayPublish(String subject, String payload) {
        return "{\"type\":0,\"subject\":\"" + subject + "\",\"payload\":" + payload + "}";
    }

    static String gatewaySubscribe(String subject) {
        return "{\"type\":1,\"subject\":\"" + subject + "\",\"correlationId\":\"sub\"}";
    }

    // ---- NATS protocol ------------------------------------------------------------------------------------------

    static final String NATS_CONNECT = "CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1,\"headers\":true,"
            + "\"no_responders\":true,\"name\":\"bench\"}\r\nPING\r\n";

    static String natsPub(String subject, String payload) {
        return "PUB " + subject + " " + payload.getBytes(StandardCharsets.UTF_8).length + "\r\n" + payload + "\r\n";
    }

    static String natsSub(String subject, int sid) {
        return "SUB " + subject + " " + sid + "\r\nPING\r\n";
    }

    // ---- reading ------------------------------------------------------------------------------------------------

    /** The envelope type of a gateway message: the gateway always writes {@code {"type":N} first. */
    static int gatewayType(byte[] b, int offset, int length) {
        int p = offset + 8;
        if (length < 9 || b[offset + 1] != '"' || b[offset + 2] != 't') {
            return -1;
        }
        int type = b[p] - '0';
        if (length > 9 && b[p + 1] >= '0' && b[p + 1] <= '9') {
            type = type * 10 + (b[p + 1] - '0');
        }
        return type;
    }

    static boolean contains(byte[] b, int offset, int length, String text) {
        return indexOf(b, offset, length, text.getBytes(StandardCharsets.US_ASCII)) >= 0;
    }

    static int indexOf(byte[] b, int offset, int length, byte[] needle) {
        outer:
        for (int i = offset; i <= offset + length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The 19-digit send time in a latency payload found anywhere in the range, or -1. */
    static long sentAt(byte[] b, int offset, int length) {
        int at = indexOf(b, offset, length, SENT_AT_BYTES);
        if (at < 0 || at + SENT_AT_BYTES.length + 19 > offset + length) {
            return -1;
        }
        long v = 0;
        for (int i = at + SENT_AT_BYTES.length, end = i + 19; i < end; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    /** Writes {@code value} as 19 digits at {@code at}. */
    static void putDigits19(byte[] b, int at, long value) {
        for (int i = at + 18; i >= at; i--) {
            b[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * Reads the NATS protocol a server sends over a WebSocket: a byte stream cut into frames anywhere, so a command
     * may continue in the next frame.
     */
    static final class NatsReader {
        interface Events {
            void info();

            void ping();

            void pong();

            void msg(byte[] b, int payloadOffset, int payloadLength);

            void err(String text);
        }

        private byte[] carry = new byte[0];
        private int carryLength;

        void feed(byte[] b, int offset, int length, Events events) {
            if (carryLength > 0) {
                if (carry.length < carryLength + length) {
                    carry = java.util.Arrays.copyOf(carry, Math.max(carry.length * 2, carryLength + length));
                }
                System.arraycopy(b, offset, carry, carryLength, length);
                carryLength += length;
                int used = parse(carry, 0, carryLength, events);
                System.arraycopy(carry, used, carry, 0, carryLength - used);
                carryLength -= used;
            } else {
                int used = parse(b, offset, length, events);
                if (used < length) {
                    if (carry.length < length - used) {
                        carry = new byte[Math.max(1024, (length - used) * 2)];
                    }
                    System.arraycopy(b, offset + used, carry, 0, length - used);
                    carryLength = length - used;
                }
            }
        }

        /** @return bytes consumed (whole commands only) */
        private static int parse(byte[] b, int offset, int length, Events events) {
            int p = offset;
            int end = offset + length;
            while (p < end) {
                int eol = -1;
                for (int i = p; i < end - 1; i++) {
                    if (b[i] == '\r' && b[i + 1] == '\n') {
                        eol = i;
                        break;
                    }
                }
                if (eol < 0) {
                    break;
                }
                byte c0 = b[p];
                if (c0 == 'M' || c0 == 'H') { // MSG subject sid [reply] size / HMSG … hdrsize totalsize
                    int size = lastNumber(b, p, eol);
                    int payload = eol + 2;
                    if (end - payload < size + 2) {
                        break;
                    }
                    events.msg(b, payload, size);
                    p = payload + size + 2;
                    continue;
                }
                if (c0 == 'P' && b[p + 1] == 'I') {
                    events.ping();
                } else if (c0 == 'P' && b[p + 1] == 'O') {
                    events.pong();
                } else if (c0 == 'I') {
                    events.info();
                } else if (c0 == '-') {
                    events.err(new String(b, p, eol - p, StandardCharsets.US_ASCII));
                }
                p = eol + 2;
            }
            return p - offset;
        }

        private static int lastNumber(byte[] b, int from, int to) {
            int i = to - 1;
            int value = 0;
            int scale = 1;
            while (i >= from && b[i] >= '0' && b[i] <= '9') {
                value += (b[i] - '0') * scale;
                scale *= 10;
                i--;
            }
            return value;
        }
    }
}
