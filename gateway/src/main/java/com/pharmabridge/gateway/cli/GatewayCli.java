package com.pharmabridge.gateway.cli;

import com.pharmabridge.gateway.GatewayServer;
import com.pharmabridge.gateway.config.ConfigException;
import com.pharmabridge.gateway.config.ConfigLoader;
import com.pharmabridge.gateway.config.GatewayConfig;
import com.pharmabridge.gateway.natsserver.NatsServerProcess;
import com.pharmabridge.gateway.policy.DeviceLimits;
import com.pharmabridge.gateway.registry.DeviceRecord;
import com.pharmabridge.gateway.registry.DeviceRegistry;
import com.pharmabridge.gateway.registry.DeviceType;
import com.pharmabridge.gateway.registry.RegistryException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Operator command line: run the gateway, manage the device registry, keep the audit trail. */
@Command(name = "pharmabridge", mixinStandardHelpOptions = true, version = "pharmabridge 0.1.0",
        description = "WebSocket to NATS gateway for pharmaceutical packaging lines.",
        subcommands = {GatewayCli.Run.class, GatewayCli.Device.class, AuditCommand.class, AdminCommand.class})
public final class GatewayCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new GatewayCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException || e instanceof RegistryException || e instanceof IllegalStateException
                    || e instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the gateway until SIGINT/SIGTERM, then shut down gracefully.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--config", description = "YAML configuration file (defaults apply without one)")
        Path config;

        @Option(names = "--nats-url", description = "NATS server URL; overrides nats.url")
        String natsUrl;

        @Option(names = "--private-nats", paramLabel = "DIR",
                description = "Start a private nats-server with JetStream, its store under DIR, and use it")
        Path privateNats;

        @Option(names = "--port", description = "WebSocket/HTTP port; overrides gateway.port")
        Integer port;

        @Option(names = "--registry", description = "Device registry file; overrides devices.registryFile")
        Path registry;

        @Override
        public Integer call() throws Exception {
            Map<String, String> overrides = new HashMap<>(System.getenv());
            if (natsUrl != null) {
                overrides.put("NATS_URL", natsUrl);
            }
            if (port != null) {
                overrides.put("GATEWAY_PORT", port.toString());
            }
            if (registry != null) {
                overrides.put("DEVICES_REGISTRY_FILE", registry.toString());
            }
            // Check the configuration before starting anything, so a typo never leaves a nats-server behind.
            GatewayConfig loaded = ConfigLoader.load(config, overrides);
            NatsServerProcess nats = null;
            GatewayServer server = null;
            try {
                if (privateNats != null) {
                    nats = NatsServerProcess.start(privateNats);
                    overrides.put("NATS_URL", nats.url());
                    loaded = ConfigLoader.load(config, overrides);
                    System.err.println("Started private nats-server on " + nats.url() + " (store " + privateNats + ")");
                }
                server = GatewayServer.start(loaded);
            } catch (Exception | Error e) {
                if (nats != null) {
                    nats.close();
                }
                throw e;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            NatsServerProcess privateServer = nats;
            GatewayServer running = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                running.close();
                if (privateServer != null) {
                    privateServer.close();
                }
                stopped.countDown();
            }, "shutdown"));
            System.err.println("Gateway listening on ws://" + loaded.gateway().host() + ":" + server.port() + "/ws");
            stopped.await();
            return 0;
        }
    }

    @Command(name = "device", mixinStandardHelpOptions = true, description = "Manage the device registry (a YAML file the gateway reloads on change).",
            subcommands = {Device.Add.class, Device.AddType.class, Device.ListDevices.class, Device.Rotate.class,
                    Device.Revoke.class, Device.Reinstate.class})
    static final class Device {

        abstract static class RegistryCommand implements Callable<Integer> {
            @Option(names = "--registry", defaultValue = "devices.yaml", description = "Registry file (default: ${DEFAULT-VALUE})")
            Path registry;
        }

        @Command(name = "add", mixinStandardHelpOptions = true, description = "Register a device and print its new token once (on stdout, alone).")
        static final class Add extends RegistryCommand {
            @Option(names = "--id", required = true)
            String id;

            @Option(names = "--type", required = true, description = "Device type; created without permissions if new")
            String type;

            @Option(names = "--attr", description = "Attribute key=value (e.g. line=line1, plant=chicago); repeatable")
            Map<String, String> attributes = new LinkedHashMap<>();

            @Option(names = "--publish", description = "Extra publish pattern for this device; repeatable")
            List<String> publish = new ArrayList<>();

            @Option(names = "--subscribe", description = "Extra subscribe pattern for this device; repeatable")
            List<String> subscribe = new ArrayList<>();

            @Option(names = "--deny", description = "Deny pattern for this device; repeatable")
            List<String> deny = new ArrayList<>();

            @Override
            public Integer call() {
                DeviceRegistry.Registration registration = DeviceRegistry.load(registry)
                        .add(id, type, attributes, publish, subscribe, deny);
                registration.registry().save(registry);
                System.err.println("Registered " + id + " (" + type + ") in " + registry
                        + ". Its token follows; it is stored only as a hash and cannot be shown again.");
                System.out.println(registration.token());
                return 0;
            }
        }

        @Command(name = "add-type", mixinStandardHelpOptions = true, description = "Add or replace a device type's permission templates.")
        static final class AddType extends RegistryCommand {
            @Option(names = "--name", required = true)
            String name;

            @Option(names = "--publish", description = "Publish pattern; may use $${deviceId}, $${line}, $${plant}…")
            List<String> publish = new ArrayList<>();

            @Option(names = "--subscribe", description = "Subscribe pattern; may use variables")
            List<String> subscribe = new ArrayList<>();

            @Option(names = "--deny", description = "Deny pattern; may use variables")
            List<String> deny = new ArrayList<>();

            @Option(names = "--rate", description = "Messages per second per device (default: the gateway's)")
            Integer rate;

            @Option(names = "--burst", description = "Token bucket size for --rate")
            Integer burst;

            @Option(names = "--bytes-per-second", description = "Bytes per second per device")
            Long bytesPerSecond;

            @Option(names = "--max-subscriptions", description = "Subscriptions per device")
            Integer maxSubscriptions;

            @Option(names = "--outgoing-buffer", description = "Messages queued for a slow device")
            Integer outgoingBuffer;

            @Option(names = "--slow-consumer", description = "dropOldest or disconnect")
            String slowConsumer;

            @Override
            public Integer call() {
                DeviceLimits limits = new DeviceLimits(rate, burst, bytesPerSecond, maxSubscriptions, outgoingBuffer,
                        slowConsumer == null ? null : DeviceLimits.SlowConsumerPolicy.parse(slowConsumer));
                DeviceRegistry.load(registry).withType(new DeviceType(name, publish, subscribe, deny, limits))
                        .save(registry);
                System.err.println("Device type " + name + " saved in " + registry);
                return 0;
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List registered devices (never tokens).")
        static final class ListDevices extends RegistryCommand {
            @Override
            public Integer call() {
                DeviceRegistry loaded = DeviceRegistry.load(registry);
                System.out.printf("%-36s %-20s %-8s %s%n", "DEVICE", "TYPE", "STATUS", "ATTRIBUTES");
                for (DeviceRecord d : loaded.devices().values()) {
                    System.out.printf("%-36s %-20s %-8s %s%n", d.id(), d.type(), d.revoked() ? "revoked" : "active",
                            d.attributes());
                }
                return 0;
            }
        }

        @Command(name = "rotate", mixinStandardHelpOptions = true, description = "Issue a new token for a device and print it once; the old one stops working.")
        static final class Rotate extends RegistryCommand {
            @Option(names = "--id", required = true)
            String id;

            @Option(names = "--overlap", defaultValue = "0", paramLabel = "SECONDS",
                    description = "Seconds the current token keeps working beside the new one (default: none)")
            long overlapSeconds;

            @Override
            public Integer call() {
                DeviceRegistry loaded = DeviceRegistry.load(registry);
                DeviceRegistry.Registration registration = loaded.rotate(id, java.time.Duration.ofSeconds(overlapSeconds));
                registration.registry().save(registry);
                System.err.println("New token for " + id + " follows; the previous token "
                        + (overlapSeconds > 0 ? "keeps working for " + overlapSeconds + " s." : "no longer works."));
                if (loaded.device(id).revoked()) {
                    System.err.println("Note: " + id + " is revoked; the token works only after 'device reinstate'.");
                }
                System.out.println(registration.token());
                return 0;
            }
        }

        @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a device: it cannot log in, and a live session is closed (4002).")
        static final class Revoke extends RegistryCommand {
            @Option(names = "--id", required = true)
            String id;

            @Override
            public Integer call() {
                DeviceRegistry.load(registry).revoke(id).save(registry);
                System.err.println("Revoked " + id);
                return 0;
            }
        }

        @Command(name = "reinstate", mixinStandardHelpOptions = true,
                description = "Lift a revocation; a new token is printed once, since the old one may be compromised.")
        static final class Reinstate extends RegistryCommand {
            @Option(names = "--id", required = true)
            String id;

            @Override
            public Integer call() {
                DeviceRegistry.Registration registration = DeviceRegistry.load(registry).reinstate(id);
                registration.registry().save(registry);
                System.err.println("Reinstated " + id + " with a new token (follows); the old token stays invalid.");
                System.out.println(registration.token());
                return 0;
            }
        }
    }
}
