package com.pharmabridge.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One WebSocket connection of a device (the JDK's client). The JDK WebSocket allows one outstanding send at a time,
 * so sends wait in a queue and leave one after the other; received text is reassembled from its frames.
 * Every connection ends exactly once in {@link Events#closed}, however it ends.
 */
final class DeviceConnection {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** What the connection reports; called on the HTTP client's threads, never while a lock here is held. */
    interface Events {
        void message(DeviceConnection connection, String text);

        void closed(DeviceConnection connection, int statusCode, String reason);
    }

    private final Events events;
    private final ArrayDeque<Function<WebSocket, CompletableFuture<WebSocket>>> outbox = new ArrayDeque<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final CompletableFuture<Void> endedFuture = new CompletableFuture<>();
    private volatile WebSocket socket;
    private boolean sending; // guarded by this
    private boolean closing; // guarded by this

    private DeviceConnection(Events events) {
        this.events = events;
    }

    /** Opens a connection; the future fails when the handshake does. */
    static CompletableFuture<DeviceConnection> open(HttpClient http, URI uri, Events events) {
        DeviceConnection connection = new DeviceConnection(events);
        return http.newWebSocketBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .buildAsync(uri, connection.new Listener())
                .thenApply(ws -> connection);
    }

    /** Queues one text message; ignored once the connection is closing. */
    void send(String text) {
        enqueue(ws -> ws.sendText(text, true));
    }

    /** @return messages waiting behind the one being sent; a measure of how congested the socket is */
    synchronized int queued() {
        return outbox.size();
    }

    /**
     * Sends a Close after whatever is queued, then waits for the gateway's Close.
     *
     * @return completes when the connection has ended, or after {@code timeout} (the socket is then aborted)
     */
    CompletableFuture<Void> close(int statusCode, String reason, Duration timeout) {
        synchronized (this) {
            if (!closing) {
                outbox.add(ws -> ws.sendClose(statusCode, reason));
                closing = true;
            }
        }
        pump();
        return endedFuture.completeOnTimeout(null, timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .whenComplete((ignored, error) -> abort("closed"));
    }

    /** Drops the connection at once, without a closing handshake. */
    void abort(String reason) {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
        end(1006, reason);
    }

    /** @return true once the connection has ended and {@link Events#closed} has been (or is being) called */
    boolean isEnded() {
        return ended.get();
    }

    private void enqueue(Function<WebSocket, CompletableFuture<WebSocket>> operation) {
        synchronized (this) {
            if (closing || ended.get()) {
                return;
            }
            outbox.add(operation);
        }
        pump();
    }

    // Starts the next queued send when none is outstanding. Sends run outside the lock; a send that completes at
    // once continues the loop here instead of recursing through its callback.
    private void pump() {
        while (true) {
            Function<WebSocket, CompletableFuture<WebSocket>> next;
            synchronized (this) {
                if (sending || outbox.isEmpty() || socket == null) {
                    return;
                }
                next = outbox.poll();
                sending = true;
            }
            CompletableFuture<WebSocket> sent;
            try {
                sent = next.apply(socket);
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
            endedFuture.complete(null);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                events.message(DeviceConnection.this, message);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            end(statusCode, reason);
            return null; // the JDK answers the gateway's Close with the same code
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            end(1006, String.valueOf(error));
        }
    }
}
