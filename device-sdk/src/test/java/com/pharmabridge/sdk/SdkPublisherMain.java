package com.pharmabridge.sdk;

import com.pharmabridge.sdk.store.OfflineStore;
import com.pharmabridge.sdk.store.StoreLimits;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A machine's application for the crash test: publishes readings 0..count-1 through the SDK with the SQLite journal
 * and prints {@code queued <n>} once each publish call has returned (the reading is on disk then). It never exits by
 * itself; the test kills it.
 */
public final class SdkPublisherMain {
    private SdkPublisherMain() {
    }

    public static void main(String[] args) throws Exception {
        URI gateway = URI.create(args[0]);
        String deviceId = args[1];
        String token = args[2];
        Path storeFile = Path.of(args[3]);
        int count = Integer.parseInt(args[4]);
        OfflineStore store = OfflineStore.open(storeFile, StoreLimits.defaults());
        DeviceClient client = DeviceClient.connect(DeviceClientOptions.builder().gatewayUri(gateway).deviceId(deviceId)
                .token(token).journal(new StoreJournal(store))
                .reconnect(Duration.ofMillis(200), Duration.ofSeconds(1), 0.25).build());
        for (int i = 0; i < count; i++) {
            client.publish("telemetry.line1.sealer.temperature", "{\"value\":" + i + "}");
            System.out.println("queued " + i);
            System.out.flush();
        }
        Thread.currentThread().join();
    }
}
