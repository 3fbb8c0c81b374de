package com.pharmabridge.protocol.oee;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The run time of OEE: how long a machine was in state {@value #RUNNING} within a period, from its state events. The
 * batch report (over a finished batch) and the gateway's live line view (over the batch so far) both use this.
 */
public final class RunningTime {
    /** The state, as machines report it in {@code events.{line}.{equipment}.state}, that counts as running. */
    public static final String RUNNING = "running";

    private RunningTime() {
    }

    /** One state event of a machine: from {@code at} on it was in {@code state}. */
    public record StateChange(Instant at, String state) {
    }

    /**
     * @param changes the machine's state events in the order they happened (events before {@code from} count from
     *                {@code from}, events after {@code to} from {@code to})
     * @return the time within [from, to] the machine was running
     */
    public static Duration within(List<StateChange> changes, Instant from, Instant to) {
        Duration total = Duration.ZERO;
        Instant runningSince = null;
        for (StateChange change : changes) {
            Instant at = change.at().isBefore(from) ? from : change.at().isAfter(to) ? to : change.at();
            boolean running = RUNNING.equals(change.state());
            if (running && runningSince == null) {
                runningSince = at;
            } else if (!running && runningSince != null) {
                total = total.plus(Duration.between(runningSince, at));
                runningSince = null;
            }
        }
        if (runningSince != null && to.isAfter(runningSince)) {
            total = total.plus(Duration.between(runningSince, to));
        }
        return total;
    }
}
