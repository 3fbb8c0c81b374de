package com.pharmabridge.gateway.policy;

import com.pharmabridge.gateway.config.GatewayConfig;

/** The limits one session runs under: its device type's, falling back to the gateway's defaults. */
public record EffectiveLimits(int messageRateLimitPerSecond, int messageRateBurst, long bytesPerSecond,
                              int maxSubscriptions, int outgoingBufferSize,
                              DeviceLimits.SlowConsumerPolicy slowConsumerPolicy) {

    public static EffectiveLimits resolve(GatewayConfig.Server defaults, DeviceLimits type) {
        DeviceLimits t = type == null ? DeviceLimits.NONE : type;
        int rate = t.messageRateLimitPerSecond() != null ? t.messageRateLimitPerSecond()
                : defaults.messageRateLimitPerSecond();
        int burst = t.messageRateBurst() != null ? t.messageRateBurst()
                : t.messageRateLimitPerSecond() != null ? rate
                : defaults.messageRateBurst() > 0 ? defaults.messageRateBurst() : rate;
        return new EffectiveLimits(rate, burst,
                t.bytesPerSecond() != null ? t.bytesPerSecond() : defaults.bytesPerSecond(),
                t.maxSubscriptions() != null ? t.maxSubscriptions() : defaults.maxSubscriptionsPerDevice(),
                t.outgoingBufferSize() != null ? t.outgoingBufferSize() : defaults.outgoingBufferSize(),
                t.slowConsumerPolicy() != null ? t.slowConsumerPolicy() : defaults.slowConsumerPolicy());
    }
}
