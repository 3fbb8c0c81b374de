package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PendingPublishesTest {
    private final PendingPublishes pending = new PendingPublishes(3);

    @Test
    void messagesLeaveInOrderOnce() {
        pending.add("a", "A");
        pending.add("b", "B");
        assertThat(drain()).containsExactly("A", "B");
        assertThat(pending.size()).isEqualTo(2); // in flight until acked
    }

    @Test
    void ackedMessagesAreNotSentAgainAfterReconnect() {
        pending.add("a", "A");
        pending.add("b", "B");
        pending.add("c", "C");
        drain();
        pending.remove("b");
        pending.retryAll();
        assertThat(drain()).containsExactly("A", "C");
    }

    @Test
    void retryPutsAMessageBackInItsPlace() {
        pending.add("a", "A");
        pending.add("b", "B");
        drain();
        pending.add("c", "C");
        pending.retry("b");
        pending.retry("a");
        pending.retry("a"); // twice: still sent once
        assertThat(drain()).containsExactly("A", "B", "C");
    }

    @Test
    void whenFullTheOldestIsDroppedWhetherSentOrNot() {
        assertThat(pending.add("a", "A")).isFalse();
        pending.add("b", "B");
        pending.add("c", "C");
        assertThat(pending.add("d", "D")).isTrue();
        assertThat(pending.size()).isEqualTo(3);
        assertThat(drain()).containsExactly("B", "C", "D");
    }

    @Test
    void unknownCorrelationIdsAreIgnored() {
        pending.add("a", "A");
        pending.remove("zzz");
        pending.retry("zzz");
        assertThat(drain()).containsExactly("A");
        assertThat(pending.hasQueued()).isFalse();
    }

    @Test
    void longOfflineStretchKeepsOnlyTheNewest() {
        PendingPublishes large = new PendingPublishes(100);
        int dropped = 0;
        for (int i = 0; i < 10_000; i++) {
            dropped += large.add("m" + i, "M" + i) ? 1 : 0;
        }
        assertThat(dropped).isEqualTo(9_900);
        List<String> sent = new ArrayList<>();
        String next;
        while ((next = large.nextToSend()) != null) {
            sent.add(next);
        }
        assertThat(sent).hasSize(100).startsWith("M9900").endsWith("M9999");
    }

    private List<String> drain() {
        List<String> sent = new ArrayList<>();
        String next;
        while ((next = pending.nextToSend()) != null) {
            sent.add(next);
        }
        return sent;
    }
}
