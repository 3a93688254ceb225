package com.gempix2.orchestrator.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateWindowsTest {

    private final RateWindows windows = new RateWindows();
    private final Knobs twoPerMinute = Knobs.defaults()
            .with(SimulatorHarness.json("{\"rateLimit\": 2, \"windowSeconds\": 60}"));

    @Test
    void windowOpensAtTheFirstCallAndResetRoundsUpToTheSecond() {
        RateWindows.Decision first = windows.charge("k", twoPerMinute, 1_000_500);

        assertTrue(first.allowed());
        assertEquals(1, first.remaining());
        assertEquals(1061, first.resetEpochSeconds());
        assertEquals(60, first.retryAfterSeconds());
    }

    @Test
    void overTheLimitIsRefusedUntilTheWindowEnds() {
        windows.charge("k", twoPerMinute, 0);
        windows.charge("k", twoPerMinute, 10_000);

        RateWindows.Decision refused = windows.charge("k", twoPerMinute, 59_999);
        assertFalse(refused.allowed());
        assertEquals(0, refused.remaining());
        assertEquals(1, refused.retryAfterSeconds());

        assertTrue(windows.charge("k", twoPerMinute, 60_000).allowed());
    }

    @Test
    void keysHaveTheirOwnWindows() {
        windows.charge("a", twoPerMinute, 0);
        windows.charge("a", twoPerMinute, 0);

        assertTrue(windows.charge("b", twoPerMinute, 0).allowed());
        assertFalse(windows.charge("a", twoPerMinute, 0).allowed());
    }

    @Test
    void alignedWindowsStartAtMultiplesOfTheirLength() {
        Knobs aligned = twoPerMinute.with(SimulatorHarness.json("{\"windowMode\": \"aligned\"}"));

        RateWindows.Decision first = windows.charge("k", aligned, 1_000_500);
        assertEquals(1020, first.resetEpochSeconds(), "the minute that began at 960 s ends at 1020 s");
        windows.charge("k", aligned, 1_010_000);
        assertFalse(windows.charge("k", aligned, 1_019_999).allowed());
        assertTrue(windows.charge("k", aligned, 1_020_000).allowed(), "a new minute, a new window");
    }

    @Test
    void slidingWindowFreesEachCallsPlaceWhenItAgesOut() {
        Knobs sliding = twoPerMinute.with(SimulatorHarness.json("{\"windowMode\": \"sliding\"}"));

        RateWindows.Decision first = windows.charge("k", sliding, 1_000_000);
        assertEquals(1, first.remaining());
        assertEquals(1060, first.resetEpochSeconds(), "the first call ages out a minute later");
        RateWindows.Decision second = windows.charge("k", sliding, 1_030_000);
        assertEquals(0, second.remaining());
        assertEquals(1060, second.resetEpochSeconds(), "the oldest call still sets the reset");

        assertFalse(windows.charge("k", sliding, 1_059_999).allowed());
        RateWindows.Decision third = windows.charge("k", sliding, 1_060_000);
        assertTrue(third.allowed(), "the first call's place is free");
        assertEquals(0, third.remaining(), "the second call still counts: a fixed window would have forgotten it");
        assertEquals(1090, third.resetEpochSeconds());
    }
}
