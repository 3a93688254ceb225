package com.gempix2.orchestrator.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.provider.GenerationStatus;

class PollIntervalTest {

    record Settings(Duration interval, Duration firstAfter, Duration grace, Duration minInterval,
            Duration maxInterval, Duration maxWait, int batchSize, Duration lease) implements PollConfig {
    }

    private final Poller poller = new Poller(null, null, new Settings(Duration.ofSeconds(5), Duration.ofSeconds(90),
            Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofMinutes(15), 20,
            Duration.ofMinutes(1)), Clock.systemUTC());

    @Test
    void intervalDoublesPerPollUpToTheMaximum() {
        assertEquals(Duration.ofSeconds(10), poller.nextInterval(1, null));
        assertEquals(Duration.ofSeconds(20), poller.nextInterval(2, null));
        assertEquals(Duration.ofSeconds(80), poller.nextInterval(4, null));
        assertEquals(Duration.ofMinutes(2), poller.nextInterval(5, null));
        assertEquals(Duration.ofMinutes(2), poller.nextInterval(50, null));
    }

    @Test
    void generationsOwnEstimateDelaysTheNextPoll() {
        GenerationStatus running = new GenerationStatus("u", GenerationStatus.State.PROCESSING, "processing", null,
                OptionalInt.of(40), OptionalInt.of(45), null);
        assertEquals(Duration.ofSeconds(60), poller.nextInterval(1, running), "estimate 45 s plus grace 15 s");
        GenerationStatus almost = new GenerationStatus("u", GenerationStatus.State.PROCESSING, "processing", null,
                OptionalInt.of(99), OptionalInt.of(1), null);
        assertEquals(Duration.ofSeconds(20), poller.nextInterval(2, almost), "never sooner than the backoff");
    }
}
