package com.gempix2.orchestrator.simulator;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Rate windows per API key, {@code windowSeconds} long, run as {@link Knobs#windowMode()} says: fixed windows
 * opened by a key's first call, fixed windows at multiples of their length since the epoch, or a sliding window
 * over the key's last calls.
 */
final class RateWindows {

    /**
     * The outcome of one call against the window, with what the rate-limit headers say.
     *
     * @param resetEpochSeconds when the count next drops (the fixed window's end, or when the oldest call of a
     *        sliding one ages out), rounded up so it is never earlier than the real time
     * @param retryAfterSeconds seconds until then, rounded up
     */
    record Decision(boolean allowed, int limit, int remaining, long resetEpochSeconds, long retryAfterSeconds) {
    }

    /** One key's calls: the start of its fixed window and the count in it, or the times of its recent calls. */
    private static final class Window {

        long startMillis;
        int used;
        final ArrayDeque<Long> calls = new ArrayDeque<>();
    }

    private final Map<String, Window> windows = new HashMap<>();

    /** Counts a call of {@code apiKey}, unless its window is already used up. */
    synchronized Decision charge(String apiKey, Knobs knobs, long nowMillis) {
        Window window = windows.computeIfAbsent(apiKey, key -> new Window());
        long windowMillis = knobs.windowSeconds() * 1000;
        if (knobs.windowMode() == Knobs.WindowMode.SLIDING) {
            while (!window.calls.isEmpty() && window.calls.peekFirst() <= nowMillis - windowMillis) {
                window.calls.pollFirst();
            }
            boolean allowed = window.calls.size() < knobs.rateLimit();
            if (allowed) {
                window.calls.addLast(nowMillis);
            }
            long oldest = window.calls.isEmpty() ? nowMillis : window.calls.peekFirst();
            return decision(allowed, knobs, window.calls.size(), oldest + windowMillis, nowMillis);
        }
        if (window.startMillis == 0 && window.used == 0 || nowMillis >= window.startMillis + windowMillis) {
            window.startMillis = fixedStart(knobs, nowMillis);
            window.used = 0;
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
        return decision(true, knobs, 0, fixedStart(knobs, nowMillis) + windowMillis, nowMillis);
    }

    synchronized void reset() {
        windows.clear();
    }

    private static long fixedStart(Knobs knobs, long nowMillis) {
        return knobs.windowMode() == Knobs.WindowMode.ALIGNED
                ? nowMillis - Math.floorMod(nowMillis, knobs.windowSeconds() * 1000)
                : nowMillis;
    }

    private static Decision decision(boolean allowed, Knobs knobs, int used, long endMillis, long nowMillis) {
        return new Decision(allowed, knobs.rateLimit(), Math.max(0, knobs.rateLimit() - used),
                ceilDiv(endMillis, 1000), ceilDiv(endMillis - nowMillis, 1000));
    }

    private static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }
}
