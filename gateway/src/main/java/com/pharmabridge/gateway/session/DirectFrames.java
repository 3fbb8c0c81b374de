package com.pharmabridge.gateway.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;

import java.nio.charset.StandardCharsets;

/**
 * Text frames a session writes itself, as bytes, through Vert.x's connection (so its write queue, writability and
 * ordering still hold) instead of one Vert.x frame, promise, Netty frame and pooled buffer per message. A session
 * gathers everything it writes in one turn of the event loop into one buffer (see DeviceSession#writeText): in a
 * fan-out the bench found 60 % of the event loop in Netty's per-write buffer allocation and outbound-buffer entries.
 *
 * <p>Server frames are not masked, so a frame is a two-to-ten-byte header and the UTF-8 text. Only when no WebSocket
 * extension (permessage-deflate) was negotiated: its encoder works on frame objects and would be bypassed.
 */
final class DirectFrames {
    /** A frame header is at most this long (64-bit length form). */
    static final int MAX_HEADER = 10;
    private static final int FIN_TEXT = 0x81;

    private DirectFrames() {
    }

    /** The connection to write frames into, or {@code null} when frames must go through Vert.x's WebSocket. */
    static VertxConnection connectionOf(ServerWebSocket socket) {
        if (!(socket instanceof WebSocketInternal internal)) {
            return null;
        }
        ChannelHandlerContext context = internal.channelHandlerContext();
        if (context == null || !(context.handler() instanceof VertxHandler<?> handler)) {
            return null;
        }
        // permessage-deflate's encoder works on frame objects: bytes written past it would go out uncompressed.
        boolean extensionNegotiated = context.pipeline().get(WebSocketExtensionEncoder.class) != null;
        return extensionNegotiated ? null : handler.getConnection();
    }

    /** Appends one final, unmasked text frame of {@code utf8Length} bytes' header. */
    static void writeTextHeader(ByteBuf out, int utf8Length) {
        out.writeByte(FIN_TEXT);
        if (utf8Length < 126) {
            out.writeByte(utf8Length);
        } else if (utf8Length <= 0xFFFF) {
            out.writeByte(126);
            out.writeShort(utf8Length);
        } else {
            out.writeByte(127);
            out.writeLong(utf8Length);
        }
    }

    /**
     * An envelope built once for many devices (a fan-out) as the UTF-8 bytes of its frame. Its text is made only for a
     * device whose queue it has to wait in; threads that race to make it make equal strings.
     */
    static final class Shared {
        private final byte[] utf8;
        private String text;

        Shared(byte[] utf8) {
            this.utf8 = utf8;
        }

        byte[] utf8() {
            return utf8;
        }

        String text() {
            String made = text;
            if (made == null) {
                made = new String(utf8, StandardCharsets.UTF_8);
                text = made;
            }
            return made;
        }
    }
}
