package com.gempix2.orchestrator.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateWindowsTest {

    private final RateWindows windows = new RateWindows();
    private final Knobs twoPerMinute = Knobs.defaults().with(SimulatorHarness.json("{\"rateLimit\": 2, \"windowSeconds\": 60}"));

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
        Knobs aligned = twoPerMinute.with(SimulatorHarness.json("{\"windowAligned\": true}"));

        RateWindows.Decision first = windows.charge("k", aligned, 1_000_500);
        assertEquals(1020, first.resetEpochSeconds(), "the minute that began at 960 s ends at 1020 s");
        windows.charge("k", aligned, 1_010_000);
        assertFalse(windows.charge("k", aligned, 1_019_999).allowed());
        assertTrue(windows.charge("k", aligned, 1_020_000).allowed(), "a new minute, a new window");
    }
}
