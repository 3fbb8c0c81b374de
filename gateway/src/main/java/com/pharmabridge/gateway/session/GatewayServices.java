package com.pharmabridge.gateway.session;

import com.pharmabridge.gateway.audit.AuditTrail;
import com.pharmabridge.gateway.batch.BatchTracker;
import com.pharmabridge.gateway.auth.Authenticator;
import com.pharmabridge.gateway.auth.LoginThrottle;
import com.pharmabridge.gateway.bridge.NatsBridge;
import com.pharmabridge.gateway.config.GatewayConfig;
import com.pharmabridge.gateway.metrics.GatewayMetrics;
import com.pharmabridge.gateway.validation.PayloadValidator;
import com.pharmabridge.protocol.EnvelopeDecoder;
import io.vertx.core.Vertx;

/** What every session shares: configuration, the NATS bridge, the registry of live sessions, metrics, the audit trail. */
public record GatewayServices(Vertx vertx, GatewayConfig config, NatsBridge bridge, Authenticator authenticator,
                              LoginThrottle loginThrottle, SessionRegistry sessions, GatewayMetrics metrics,
                              EnvelopeDecoder decoder, PayloadValidator validator, AuditTrail audit,
                              BatchTracker batches) {
}
