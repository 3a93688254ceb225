package com.gempix2.orchestrator.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Duration;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.config.PollConfig;
import com.gempix2.orchestrator.provider.GenerationStatus;

class PollIntervalTest {

    record Settings(Duration interval, Duration firstAfter, Duration grace, Duration minInterval,
            Duration maxInterval, Duration maxWait, int batchSize, Duration lease,
            Overdue overdue) implements PollConfig {
    }

    private final Poller poller = new Poller(null, null, new Settings(Duration.ofSeconds(5), Duration.ofSeconds(90),
            Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofMinutes(15), 20,
            Duration.ofMinutes(1), null), null, null, null, Clock.systemUTC(), null);

    @Test
    void withoutAnEstimateTheIntervalDoublesPerPollUpToTheMaximum() {
        assertEquals(Duration.ofSeconds(10), poller.nextInterval(1, null));
        assertEquals(Duration.ofSeconds(20), poller.nextInterval(2, null));
        assertEquals(Duration.ofSeconds(80), poller.nextInterval(4, null));
        assertEquals(Duration.ofMinutes(2), poller.nextInterval(5, null));
        assertEquals(Duration.ofMinutes(2), poller.nextInterval(50, null));
    }

    @Test
    void generationsOwnEstimateSetsTheNextPoll() {
        assertEquals(Duration.ofSeconds(60), poller.nextInterval(1, Duration.ofSeconds(45)),
                "estimate 45 s plus grace 15 s");
        assertEquals(Duration.ofSeconds(16), poller.nextInterval(4, Duration.ofSeconds(1)),
                "the estimate, not the backoff of the fourth poll");
        assertEquals(Duration.ofSeconds(15), poller.nextInterval(1, Duration.ZERO),
                "nothing left still waits the grace");
        assertEquals(Duration.ofMinutes(2), poller.nextInterval(1, Duration.ofHours(1)),
                "never later than the maximum");
    }

    @Test
    void whatIsLeftComesFromTheEstimateElseFromTheProgress() {
        Duration elapsed = Duration.ofSeconds(20);
        assertEquals(Duration.ofSeconds(45), Poller.remaining(status("processing", 40, 45), elapsed));
        assertEquals(Duration.ofSeconds(60), Poller.remaining(status("processing", 25, null), elapsed),
                "a quarter done after 20 s: 60 s to go");
        assertNull(Poller.remaining(status("pending", 0, null), elapsed), "no progress says nothing");
        assertNull(Poller.remaining(status("completed", 100, 0), elapsed), "nothing is left of a finished one");
    }

    private static GenerationStatus status(String raw, int progress, Integer estimate) {
        GenerationStatus.State state = GenerationStatus.State.valueOf(raw.toUpperCase());
        return new GenerationStatus("u", state, raw, null, OptionalInt.of(progress),
                estimate == null ? OptionalInt.empty() : OptionalInt.of(estimate), null);
    }
}
