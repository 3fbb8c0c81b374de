package com.pharmabridge.sdk.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process of {@link OfflineStoreCrashSafetyTest}: adds messages {@code crash-0, crash-1, ...} to the store given
 * as first argument and prints {@code committed <id>} after each {@code add} returned — i.e. after the commit was
 * fsynced. The test SIGKILLs it mid-way; every printed id must then be in the store.
 *
 * <p>Arguments: database file, number of messages.
 */
public final class StoreWriterMain {

    private StoreWriterMain() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        OfflineStore store = OfflineStore.open(file, StoreLimits.defaults());
        System.out.println("ready");
        System.out.flush();
        for (int i = 0; i < n; i++) {
            String id = "crash-" + i;
            store.add(id, "line.1.reading", ("reading " + i).getBytes(StandardCharsets.UTF_8), "t" + i);
            // Printed only after add() returned; flushed so the line reaches the pipe before the next add.
            System.out.println("committed " + id);
            System.out.flush();
        }
        store.close();
        System.out.println("done");
    }
}
