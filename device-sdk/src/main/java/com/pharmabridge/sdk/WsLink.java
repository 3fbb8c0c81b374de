package com.pharmabridge.sdk;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket connection (the JDK client). The JDK allows one outstanding send, so texts wait in a queue and leave
 * in order; received text is reassembled from its frames. Ends exactly once in {@link Events#closed}.
 */
final class WsLink {

    /** What the link reports; called on the HTTP client's threads. */
    interface Events {
        void opened(WsLink link);

        void message(WsLink link, String text);

        void closed(WsLink link, int statusCode, String reason);
    }

    private final Events events;
    private final ArrayDeque<String> outbox = new ArrayDeque<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile WebSocket socket;
    private volatile long lastReceivedNanos = System.nanoTime();
    private boolean sending; // guarded by this

    private WsLink(Events events) {
        this.events = events;
    }

    static CompletableFuture<WsLink> open(HttpClient http, URI uri, Duration connectTimeout, Events events) {
        WsLink link = new WsLink(events);
        return http.newWebSocketBuilder().connectTimeout(connectTimeout)
                .buildAsync(uri, link.new Listener()).thenApply(ws -> link);
    }

    /** Queues one text message; ignored once the link has ended. */
    void send(String text) {
        synchronized (this) {
            if (ended.get()) {
                return;
            }
            outbox.add(text);
        }
        pump();
    }

    long lastReceivedNanos() {
        return lastReceivedNanos;
    }

    /** Sends a normal Close (after queued texts are written, best effort), then drops the socket. */
    void close(int code, String reason) {
        WebSocket ws = socket;
        if (ws != null && !ended.get()) {
            ws.sendClose(code, reason).orTimeout(2, java.util.concurrent.TimeUnit.SECONDS)
                    .whenComplete((w, e) -> abort(reason));
        } else {
            abort(reason);
        }
    }

    /** Drops the connection at once. */
    void abort(String reason) {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
        end(1006, reason);
    }

    private void pump() {
        while (true) {
            String next;
            synchronized (this) {
                if (sending || outbox.isEmpty() || socket == null || ended.get()) {
                    return;
                }
                next = outbox.poll();
                sending = true;
            }
            CompletableFuture<WebSocket> sent;
            try {
                sent = socket.sendText(next, true);
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            if (!sent.isDone()) {
                sent.whenComplete((ws, error) -> {
                    sendDone(error);
                    pump();
                });
                return;
            }
            sendDone(sent.isCompletedExceptionally() ? sent.handle((ws, e) -> e).join() : null);
        }
    }

    private void sendDone(Throwable error) {
        synchronized (this) {
            sending = false;
        }
        if (error != null) {
            abort("send failed: " + error);
        }
    }

    private void end(int statusCode, String reason) {
        if (ended.compareAndSet(false, true)) {
            synchronized (this) {
                outbox.clear();
            }
            events.closed(this, statusCode, reason);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            lastReceivedNanos = System.nanoTime();
            events.opened(WsLink.this);
            webSocket.request(1);
            pump();
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            lastReceivedNanos = System.nanoTime();
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                try {
                    events.message(WsLink.this, message);
                } finally {
                    webSocket.request(1);
                }
            } else {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            lastReceivedNanos = System.nanoTime();
            webSocket.request(1);
            return null; // the JDK answers with a Pong
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            lastReceivedNanos = System.nanoTime();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            end(statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            end(1006, String.valueOf(error));
        }
    }
}
