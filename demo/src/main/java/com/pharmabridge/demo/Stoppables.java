package com.pharmabridge.demo;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the demo started, stopped in reverse order exactly once, whether it ends by Ctrl-C, by --duration or by a
 * failure half-way through starting: a private nats-server must never be left behind holding its store.
 */
final class Stoppables {
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private boolean stopped;

    synchronized <T extends AutoCloseable> T add(T part) {
        if (stopped) {
            closeQuietly(part);
            throw new IllegalStateException("Stopping");
        }
        started.push(part);
        return part;
    }

    synchronized boolean stopped() {
        return stopped;
    }

    synchronized void stopAll() {
        stopped = true;
        while (!started.isEmpty()) {
            closeQuietly(started.pop());
        }
    }

    private static void closeQuietly(AutoCloseable part) {
        try {
            part.close();
        } catch (Exception e) {
            System.err.println("While stopping " + part.getClass().getSimpleName() + ": " + e);
        }
    }
}
