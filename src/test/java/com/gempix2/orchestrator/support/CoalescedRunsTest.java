package com.gempix2.orchestrator.support;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class CoalescedRunsTest {

    @Test
    void asksDuringARunCostOneMoreRunAndNoAskIsLeftUnserved() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstStarted = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        CoalescedRuns coalesced = new CoalescedRuns("coalesced-test", () -> {
            runs.incrementAndGet();
            firstStarted.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            coalesced.request();
            firstStarted.await(10, TimeUnit.SECONDS);
            // Ten asks while the first run is going: they join one queued run.
            for (int i = 0; i < 10; i++) {
                coalesced.request();
            }
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 2);

            // Idle again: the next ask runs the task again.
            coalesced.request();
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 3);
        } finally {
            coalesced.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void nothingRunsOnceStopped() {
        AtomicInteger runs = new AtomicInteger();
        CoalescedRuns coalesced = new CoalescedRuns("coalesced-test", runs::incrementAndGet);
        coalesced.stop(Duration.ofSeconds(1));
        coalesced.request();
        coalesced.request();
        assertEquals(0, runs.get());
    }
}
