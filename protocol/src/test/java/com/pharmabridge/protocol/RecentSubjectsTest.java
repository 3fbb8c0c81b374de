package com.pharmabridge.protocol;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecentSubjectsTest {
    @Test
    void remembersAnswersAndComputesEachSubjectOnceWhileItStaysRecent() {
        RecentSubjects<String> cache = new RecentSubjects<>(1024);
        AtomicInteger computed = new AtomicInteger();
        Function<String, String> upper = subject -> {
            computed.incrementAndGet();
            return subject.toUpperCase();
        };
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            subjects.add("factory.plant.line" + i + ".temperature");
        }
        for (int round = 0; round < 5; round++) {
            for (String subject : subjects) {
                // a fresh String each time, as decoded from a frame
                assertThat(cache.get(new String(subject.toCharArray()), upper)).isEqualTo(subject.toUpperCase());
            }
        }
        // 200 subjects in 1024 two-way sets: none is ever pushed out by two others
        assertThat(computed.get()).isEqualTo(200);
    }

    @Test
    void aNullAnswerIsAnAnswer() {
        RecentSubjects<String> cache = new RecentSubjects<>(2);
        AtomicInteger computed = new AtomicInteger();
        Function<String, String> valid = subject -> {
            computed.incrementAndGet();
            return null;
        };
        assertThat(cache.get("a.b", valid)).isNull();
        assertThat(cache.get("a.b", valid)).isNull();
        assertThat(computed.get()).isEqualTo(1);
    }

    @Test
    void aSetKeepsItsTwoMostRecentSubjectsAndStaysCorrectWhenFull() {
        RecentSubjects<Integer> cache = new RecentSubjects<>(2); // 4 entries for 50 subjects: mostly misses
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 50; i++) {
                int expected = i;
                assertThat(cache.get("s" + i, subject -> expected)).isEqualTo(i);
            }
        }
    }

    @Test
    void subjectsLongerThanAValidOneAreNotKept() {
        RecentSubjects<Integer> cache = new RecentSubjects<>(16);
        AtomicInteger computed = new AtomicInteger();
        String huge = "a".repeat(Subjects.MAX_LENGTH + 1);
        cache.get(huge, subject -> computed.incrementAndGet());
        cache.get(huge, subject -> computed.incrementAndGet());
        assertThat(computed.get()).isEqualTo(2);
        assertThatThrownBy(() -> new RecentSubjects<>(3)).isInstanceOf(IllegalArgumentException.class);
    }
}
