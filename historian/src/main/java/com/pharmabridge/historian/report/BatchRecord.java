package com.pharmabridge.historian.report;

import com.pharmabridge.protocol.oee.Oee;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The complete record of one batch as the historian holds it: what a QA lead reviews and an inspector may ask for.
 * Times are those the records carry: a payload's {@code time} (the equipment's own time of the reading) where
 * present, else the device's timestamp, else the gateway's receive time.
 *
 * @param batchId        the batch
 * @param product        product name from the start event, or {@code null}
 * @param gtin           product GTIN from the start event, or {@code null}
 * @param plant          plant from the start event, or {@code null}
 * @param line           line from the start event, or {@code null}
 * @param plannedQuantity planned units from the start event, or {@code null}
 * @param startedAt      start event time, or {@code null} when none was recorded
 * @param completedAt    complete event time, or {@code null} while the batch runs
 * @param timeline       the batch's own events (start, hold, release, complete) in order
 * @param devices        every device that contributed records, with its counts per table
 * @param recordsByTable records of the batch per table
 * @param reconciliation counts at completion per device (produced, rejected), as the complete event reports them
 * @param quantity       line output reported at completion, or {@code null}
 * @param rejected       rejects reported at completion, or {@code null}
 * @param alerts         alerts and excursions with their times
 * @param qualitySummary per inspection type: pass and fail counts
 * @param charts         critical process values against their limits
 * @param oee            effectiveness, or {@code null} when no start/complete pair was recorded
 * @param oeeStation     the device whose states and counts the OEE uses
 * @param auditEvents    audit records of the gateway(s) during the batch
 * @param findings       gaps in a device's data and clock-skew flags; empty when none
 */
public record BatchRecord(String batchId, String product, String gtin, String plant, String line,
                          Long plannedQuantity, Instant startedAt, Instant completedAt, List<Event> timeline,
                          List<Device> devices, Map<String, Long> recordsByTable,
                          Map<String, Counts> reconciliation, Long quantity, Long rejected, List<Alert> alerts,
                          Map<String, Counts> qualitySummary, List<Chart> charts, Oee oee, String oeeStation,
                          List<AuditLine> auditEvents, List<String> findings) {

    /** A batch event. */
    public record Event(Instant time, String event, String by, String reason, long streamSeq) {
    }

    /** A contributing device and its records per table. */
    public record Device(String deviceId, String deviceType, Map<String, Long> records) {
    }

    /** Good and bad (or pass and fail) counts. */
    public record Counts(long good, long bad) {
    }

    /** An alert as recorded. */
    public record Alert(Instant time, String type, String deviceId, String severity, String text) {
    }

    /** One plotted series; each point carries the target and limits in force when it was measured. */
    public record Chart(String title, String unit, String deviceId, List<Point> points) {
    }

    /**
     * A plotted value.
     *
     * @param low    low limit then, or {@code null}
     * @param high   high limit then, or {@code null}
     * @param target target (setpoint) then, or {@code null}
     */
    public record Point(Instant time, double value, Double low, Double high, Double target) {
        public boolean outside() {
            return (high != null && value > high) || (low != null && value < low);
        }
    }

    /** An audit record of the batch's period, summarised. */
    public record AuditLine(Instant time, String gatewayId, long seq, String actor, String action, String outcome,
                            String detail) {
    }
}
