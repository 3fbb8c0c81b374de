package com.pharmabridge.gateway.policy;

import java.util.Locale;

/**
 * Per-device-type limits from the registry; a {@code null} field means "the gateway's default". They are what
 * separates a camera that bursts 500 reads a second from a scale that sends one reading a minute.
 */
public record DeviceLimits(Integer messageRateLimitPerSecond, Integer messageRateBurst, Long bytesPerSecond,
                           Integer maxSubscriptions, Integer outgoingBufferSize, SlowConsumerPolicy slowConsumerPolicy) {
    public static final DeviceLimits NONE = new DeviceLimits(null, null, null, null, null, null);

    /** What happens when a device reads more slowly than messages arrive for it. */
    public enum SlowConsumerPolicy {
        /** Drop the oldest queued messages and tell the device how many with SLOW_CONSUMER. */
        DROP_OLDEST,
        /** Close the connection with 4003; the device reconnects and durable subscriptions resume. */
        DISCONNECT;

        public static SlowConsumerPolicy parse(String text) {
            String normal = text.trim().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
            return switch (normal) {
                case "dropoldest" -> DROP_OLDEST;
                case "disconnect" -> DISCONNECT;
                default -> throw new IllegalArgumentException("'" + text + "' is not dropOldest or disconnect");
            };
        }

        public String configName() {
            return this == DROP_OLDEST ? "dropOldest" : "disconnect";
        }
    }

    public boolean isEmpty() {
        return equals(NONE);
    }
}
