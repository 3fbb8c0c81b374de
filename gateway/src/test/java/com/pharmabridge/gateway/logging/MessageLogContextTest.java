package com.pharmabridge.gateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MessageLogContextTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger logger = context.getLogger("com.pharmabridge.test.MessageLogContext");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        MessageLogContext.install();
        MessageLogContext.install(); // once is enough, twice changes nothing
        assertThat(context.getTurboFilterList()).filteredOn(f -> f instanceof MessageLogContext.ToMdc).hasSize(1);
        lines.setContext(context);
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
        MDC.clear();
    }

    @Test
    void aLineWrittenDuringAMessageCarriesItsDeviceMessageAndBatch() {
        MessageLogContext message = MessageLogContext.enter("sealer-1", "c-1");
        try {
            logger.info("before the batch is known");
            MessageLogContext.batch("B26-1");
            logger.warn("after");
        } finally {
            message.exit();
        }
        logger.info("between messages");
        assertThat(lines.list).extracting(ILoggingEvent::getMDCPropertyMap).containsExactly(
                Map.of("device_id", "sealer-1", "correlation_id", "c-1"),
                Map.of("device_id", "sealer-1", "correlation_id", "c-1", "batch_id", "B26-1"),
                Map.of());
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void aMessageThatLogsNothingLeavesTheMdcAlone() {
        MessageLogContext message = MessageLogContext.enter("sealer-2", null);
        try {
            MessageLogContext.batch("B26-2");
            assertThat(logger.isDebugEnabled()).isFalse();
            logger.debug("not written");
            assertThat(MDC.getCopyOfContextMap()).as("level checks and disabled lines copy nothing").isNullOrEmpty();
        } finally {
            message.exit();
        }
        MessageLogContext next = MessageLogContext.enter("sealer-3", "c-3");
        try {
            logger.error("next message");
        } finally {
            next.exit();
        }
        assertThat(lines.list).singleElement().extracting(ILoggingEvent::getMDCPropertyMap)
                .isEqualTo(Map.of("device_id", "sealer-3", "correlation_id", "c-3"));
    }

    @Test
    void aBatchOutsideAMessageIsIgnored() {
        MessageLogContext.batch("B26-stray");
        logger.info("no message");
        assertThat(lines.list).singleElement().extracting(ILoggingEvent::getMDCPropertyMap).isEqualTo(Map.of());
    }
}
