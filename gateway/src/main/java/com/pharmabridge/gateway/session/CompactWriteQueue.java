package com.pharmabridge.gateway.session;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Shrinks the write queue Vert.x gives every WebSocket connection. Vert.x 5.0 applies {@code setStrictThreadMode}
 * (no queue) to the HTTP connection but not to the WebSocket connection it upgrades to, whose thread-safe queue
 * starts with a 1,024-slot chunk (4.1 KB): a third of the heap an idle device cost (bench, class histogram of 10,000
 * idle devices), in a queue object padded against false sharing (another 0.6 KB). The queue is swapped, while still
 * empty, for a {@link ConcurrentLinkedQueue}: as safe for many writers and one reader (Vert.x only adds and polls),
 * 48 bytes when empty, a node per queued write. Writes of our sessions are made on the connection's own event loop
 * and rarely queue at all. Done by reflection on Vert.x internals: on a Vert.x whose internals differ this does
 * nothing and says so once.
 */
final class CompactWriteQueue {
    private static final Logger LOG = LoggerFactory.getLogger(CompactWriteQueue.class);
    private static final Field CONNECTION_QUEUE = field("io.vertx.core.net.impl.VertxConnection", "outboundMessageQueue");
    private static final Field PASSING_QUEUE = field("io.vertx.core.internal.concurrent.OutboundMessageQueue", "mqp");
    private static final Field SLOTS = field("io.vertx.core.streams.impl.MessagePassingQueue", "queue");
    private static volatile boolean warned;

    private CompactWriteQueue() {
    }

    private static Field field(String className, String name) {
        try {
            Field field = Class.forName(className).getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** To be called on the connection's event loop before anything is written to it. */
    static void use(ServerWebSocket socket) {
        if (CONNECTION_QUEUE == null || PASSING_QUEUE == null || SLOTS == null
                || !(socket instanceof WebSocketInternal internal)) {
            warnOnce("Vert.x internals not as expected");
            return;
        }
        ChannelHandlerContext context = internal.channelHandlerContext();
        if (context == null || !(context.handler() instanceof io.vertx.core.net.impl.VertxHandler<?> handler)) {
            return;
        }
        try {
            Object outbound = CONNECTION_QUEUE.get(handler.getConnection());
            if (!PASSING_QUEUE.getDeclaringClass().isInstance(outbound)) {
                return; // a connection in strict thread mode has no queue at all
            }
            Object passing = PASSING_QUEUE.get(outbound);
            Queue<?> slots = (Queue<?>) SLOTS.get(passing);
            if (slots.isEmpty()) {
                SLOTS.set(passing, new ConcurrentLinkedQueue<>());
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            warnOnce(e.toString());
        }
    }

    private static void warnOnce(String why) {
        if (!warned) {
            warned = true;
            LOG.info("WebSocket connections keep Vert.x's own write queue ({}): about 4 KB more heap per device", why);
        }
    }
}
