package com.pharmabridge.historian.ingest;

import com.pharmabridge.historian.store.RecordTable;
import io.nats.client.Message;

import java.util.List;

/**
 * Decides, after a batch's rows are committed, whether its messages are acknowledged. Always yes in service; fault
 * tests say no to play a historian that dies between its commit and its acks.
 */
@FunctionalInterface
public interface AckGate {
    AckGate ALWAYS = (table, committed) -> true;

    boolean mayAck(RecordTable table, List<Message> committed);
}
