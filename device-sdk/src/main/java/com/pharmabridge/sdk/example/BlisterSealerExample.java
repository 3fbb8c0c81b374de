package com.pharmabridge.sdk.example;

import com.pharmabridge.sdk.ConnectionListener;
import com.pharmabridge.sdk.DeviceClient;
import com.pharmabridge.sdk.DeviceClientOptions;
import com.pharmabridge.sdk.StoreJournal;
import com.pharmabridge.sdk.store.OfflineStore;
import com.pharmabridge.sdk.store.StoreLimits;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A blister sealer in a few lines: publishes its sealing temperature once a second with confirmation, keeps every
 * reading in a local SQLite store until the gateway has it, and obeys calibrate commands. Run it against the demo:
 * {@code java -cp device-sdk/target/... com.pharmabridge.sdk.example.BlisterSealerExample ws://127.0.0.1:8080/ws
 * <deviceId> <token>} (docs/sdk.md shows how to get a device id and token).
 */
public final class BlisterSealerExample {
    private BlisterSealerExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: BlisterSealerExample <ws://gateway/ws> <deviceId> <token>");
            System.exit(2);
        }
        java.util.concurrent.CountDownLatch refused = new java.util.concurrent.CountDownLatch(1);
        String gateway = args[0];
        String deviceId = args[1];
        String token = args[2];
        try (OfflineStore store = OfflineStore.open(Path.of("data", deviceId + ".db"), StoreLimits.defaults());
             DeviceClient client = DeviceClient.connect(DeviceClientOptions.builder()
                     .gatewayUri(gateway).deviceId(deviceId).token(token).deviceType("blister-sealer")
                     .journal(new StoreJournal(store))
                     .listener(new ConnectionListener() {
                         @Override
                         public void onEvent(Event event, String detail) {
                             System.out.println(event + " " + detail);
                             if (event == Event.AUTH_FAILED) {
                                 refused.countDown(); // a wrong or revoked token: retrying would not help
                             }
                         }
                     })
                     .build())) {
            double setpoint = 185.0;
            client.subscribe("commands.line1.blister-sealer.>", command -> {
                System.out.println("command " + command.subject() + " " + command.payload());
                if (command.expectsReply()) {
                    command.reply("{\"accepted\":true}");
                }
            });
            for (int i = 0; refused.getCount() > 0; i++) {
                double value = setpoint + Math.sin(i / 10.0) * 0.8;
                client.publish("factory.chicago.line1.blister-sealer.temperature",
                                String.format(Locale.ROOT, "{\"value\":%.2f,\"unit\":\"C\",\"zone\":\"upper\"}", value))
                        .whenComplete((ack, failure) -> System.out.println(failure == null
                                ? "stored as " + ack.stream() + " #" + ack.seq() : "refused: " + failure.getMessage()));
                refused.await(1, TimeUnit.SECONDS);
            }
            System.err.println("The gateway refused the credentials of " + deviceId + "; stopping.");
        }
    }
}
