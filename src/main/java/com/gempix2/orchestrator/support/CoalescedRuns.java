package com.gempix2.orchestrator.support;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a task on a thread of its own each time it is asked, coalesced: asks that come while a run is queued and not
 * yet started join that run, so a burst of asks costs one run, and one run is queued at most behind the one going.
 * For work that a commit makes due now rather than at the next tick: the result relay, the dispatch.
 */
public final class CoalescedRuns {

    private final Runnable task;
    private final ExecutorService thread;
    /** A run is queued and not yet started: further asks join it. */
    private final AtomicBoolean queued = new AtomicBoolean();

    public CoalescedRuns(String threadName, Runnable task) {
        this.task = task;
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread daemon = new Thread(runnable, threadName);
            daemon.setDaemon(true);
            return daemon;
        });
    }

    /** Runs the task soon, unless a run is queued already; nothing once stopped. */
    public void request() {
        if (queued.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    queued.set(false);
                    task.run();
                });
            } catch (RejectedExecutionException e) {
                queued.set(false);
            }
        }
    }

    /** Takes no more runs, and waits up to {@code wait} for the one going to end. */
    public void stop(Duration wait) {
        thread.shutdown();
        try {
            thread.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
