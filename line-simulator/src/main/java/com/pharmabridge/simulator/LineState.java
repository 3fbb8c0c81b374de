package com.pharmabridge.simulator;

/** What the machines of one line share: the batch the HMI has started. Written by the HMI, read by the machines. */
final class LineState {
    private volatile String batchId;

    /** @return the batch in production or last produced; {@code null} before the first batch starts */
    String batchId() {
        return batchId;
    }

    void batchId(String batchId) {
        this.batchId = batchId;
    }
}
