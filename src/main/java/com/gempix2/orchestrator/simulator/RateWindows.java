package com.gempix2.orchestrator.simulator;

import java.util.HashMap;
import java.util.Map;

/**
 * Fixed rate windows per API key, {@code windowSeconds} long: opened by a key's first call, or, with
 * {@code windowAligned}, at multiples of their length since the epoch.
 */
final class RateWindows {

    /**
     * The outcome of one call against the window, with what the rate-limit headers say.
     *
     * @param resetEpochSeconds end of the current window, rounded up so it is never earlier than the real end
     * @param retryAfterSeconds seconds until the window ends, rounded up
     */
    record Decision(boolean allowed, int limit, int remaining, long resetEpochSeconds, long retryAfterSeconds) {
    }

    private static final class Window {
        final long startMillis;
        int used;

        Window(long startMillis) {
            this.startMillis = startMillis;
        }
    }

    private final Map<String, Window> windows = new HashMap<>();

    /** Counts a call of {@code apiKey}, unless its window is already used up. */
    synchronized Decision charge(String apiKey, Knobs knobs, long nowMillis) {
        long windowMillis = knobs.windowSeconds() * 1000;
        Window window = windows.get(apiKey);
        if (window == null || nowMillis >= window.startMillis + windowMillis) {
            window = new Window(knobs.windowAligned() ? nowMillis - Math.floorMod(nowMillis, windowMillis) : nowMillis);
            windows.put(apiKey, window);
        }
        boolean allowed = window.used < knobs.rateLimit();
        if (allowed) {
            window.used++;
        }
        return decision(allowed, knobs, window.used, window.startMillis + windowMillis, nowMillis);
    }

    /** What the headers say to a caller that was not charged (failed authentication): a full, not yet opened window. */
    Decision uncharged(Knobs knobs, long nowMillis) {
        long windowMillis = knobs.windowSeconds() * 1000;
        long start = knobs.windowAligned() ? nowMillis - Math.floorMod(nowMillis, windowMillis) : nowMillis;
        return decision(true, knobs, 0, start + windowMillis, nowMillis);
    }

    synchronized void reset() {
        windows.clear();
    }

    private static Decision decision(boolean allowed, Knobs knobs, int used, long endMillis, long nowMillis) {
        return new Decision(allowed, knobs.rateLimit(), Math.max(0, knobs.rateLimit() - used),
                ceilDiv(endMillis, 1000), ceilDiv(endMillis - nowMillis, 1000));
    }

    private static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }
}
