package com.pharmabridge.protocol.oee;

import java.time.Duration;

/**
 * Overall equipment effectiveness of a batch, each factor from recorded events:
 * <ul>
 *   <li>availability = run time / planned production time (start to complete of the batch);</li>
 *   <li>performance = ideal cycle time × total count / run time, with the ideal rate the batch start declared;</li>
 *   <li>quality = good count / total count.</li>
 * </ul>
 * A factor whose inputs were not recorded is {@code null} (shown as "not computable"), and so is OEE then. The
 * batch report computes it over a finished batch, the gateway's live line view over the batch so far; both take the
 * run time from {@link RunningTime} and the counts from the line's counting station ({@value #COUNTING_STATION}).
 *
 * @param plannedTime        planned production time
 * @param runTime            time the counting station was running
 * @param idealRatePerMinute units per minute at the ideal cycle time, or {@code null}
 * @param totalCount         units made (good and rejected)
 * @param goodCount          units made right first time
 */
public record Oee(Duration plannedTime, Duration runTime, Double idealRatePerMinute, long totalCount, long goodCount) {
    /** The equipment whose states and counts stand for the line: it counts the line's finished units. */
    public static final String COUNTING_STATION = "cartoner";

    public Double availability() {
        return plannedTime.isZero() ? null : ratio(runTime.toMillis(), plannedTime.toMillis());
    }

    public Double performance() {
        if (idealRatePerMinute == null || idealRatePerMinute <= 0 || runTime.isZero()) {
            return null;
        }
        double idealMinutesForCount = totalCount / idealRatePerMinute;
        return ratio(idealMinutesForCount, runTime.toMillis() / 60_000.0);
    }

    public Double quality() {
        return totalCount == 0 ? null : ratio(goodCount, totalCount);
    }

    /** @return availability × performance × quality, or {@code null} when a factor is not computable */
    public Double oee() {
        Double a = availability();
        Double p = performance();
        Double q = quality();
        return a == null || p == null || q == null ? null : a * p * q;
    }

    private static double ratio(double part, double whole) {
        return whole == 0 ? 0 : part / whole;
    }
}
