package com.pharmabridge.gateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.netty.util.concurrent.FastThreadLocal;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * The device, message and batch that log lines written while one device message is handled are about ({@code
 * device_id}, {@code correlation_id}, {@code batch_id} in the MDC). Putting them into the MDC and taking them out for
 * every message cost 3.5 % of an event loop's time (six MDC calls, two thread-local look-ups each) though almost no
 * message logs anything; so they are kept in a field of the event-loop thread, and copied into the MDC only when a
 * line is about to be written ({@link ToMdc}, installed by {@link #install()}), then removed when the message is done.
 */
public final class MessageLogContext {
    public static final String DEVICE_ID = "device_id";
    public static final String CORRELATION_ID = "correlation_id";
    public static final String BATCH_ID = "batch_id";

    private static final FastThreadLocal<MessageLogContext> CURRENT = new FastThreadLocal<>() {
        @Override
        protected MessageLogContext initialValue() {
            return new MessageLogContext();
        }
    };

    private boolean active;
    private String deviceId;
    private String correlationId;
    private String batchId;
    /** Whether the values are in the MDC (a line was written during this message). */
    private boolean inMdc;

    private MessageLogContext() {
    }

    /** Starts a message's context on this thread; {@link #exit()} it in a finally block. */
    public static MessageLogContext enter(String deviceId, String correlationId) {
        MessageLogContext context = CURRENT.get();
        context.active = true;
        context.deviceId = deviceId;
        context.correlationId = correlationId;
        context.batchId = null;
        return context;
    }

    /** The batch of the message handled on this thread, once known (no effect outside a message). */
    public static void batch(String batchId) {
        MessageLogContext context = CURRENT.getIfExists();
        if (context != null && context.active) {
            context.batchId = batchId;
            if (context.inMdc) {
                MDC.put(BATCH_ID, batchId);
            }
        }
    }

    public void exit() {
        if (inMdc) {
            MDC.remove(DEVICE_ID);
            MDC.remove(CORRELATION_ID);
            MDC.remove(BATCH_ID);
            inMdc = false;
        }
        active = false;
        deviceId = null;
        correlationId = null;
        batchId = null;
    }

    private void copyToMdc() {
        inMdc = true;
        put(DEVICE_ID, deviceId);
        put(CORRELATION_ID, correlationId);
        put(BATCH_ID, batchId);
    }

    private static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }

    /** Adds {@link ToMdc} to Logback's context, once; nothing when SLF4J is bound to another backend. */
    public static void install() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            synchronized (MessageLogContext.class) {
                for (TurboFilter filter : context.getTurboFilterList()) {
                    if (filter instanceof ToMdc) {
                        return;
                    }
                }
                ToMdc filter = new ToMdc();
                filter.setContext(context);
                filter.start();
                context.addTurboFilter(filter);
            }
        }
    }

    /**
     * Asked by Logback before every logging decision: when a line at an enabled level is about to be written on a
     * thread handling a device message, that message's context goes into the MDC first. Never changes the decision.
     */
    public static final class ToMdc extends TurboFilter {
        @Override
        public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                                  Throwable t) {
            MessageLogContext context = CURRENT.getIfExists();
            // Level checks (isDebugEnabled) on the event loop come with no format: they write nothing.
            if (context != null && context.active && !context.inMdc && format != null
                    && level.isGreaterOrEqual(logger.getEffectiveLevel())) {
                context.copyToMdc();
            }
            return FilterReply.NEUTRAL;
        }
    }
}
