package com.gempix2.orchestrator.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.gempix2.orchestrator.config.DispatchConfig;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The places for calls to Gempix2 in flight in this replica ({@code dispatch.concurrency}), shared by
 * submissions, uploads and polls, and the threads that make them. A place is taken before the work that
 * leads to a call (a permit, a claim) and comes back when the call is over.
 */
@ApplicationScoped
public class CallSlots {

    /** How long calls in flight may take to finish at shutdown. */
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private final int concurrency;
    private final Semaphore places;
    private final ExecutorService threads;
    private final Clock clock;
    private volatile boolean stopping;

    CallSlots(DispatchConfig config, Clock clock) {
        this.concurrency = config.dispatch().concurrency();
        this.places = new Semaphore(concurrency, true);
        this.clock = clock;
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(concurrency, task -> {
            Thread thread = new Thread(task, "gempix2-call-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    void shuttingDown(@Observes ShutdownEvent event) {
        stopping = true;
    }

    @PreDestroy
    void stop() {
        stopping = true;
        // Calls in flight get a while to finish: one cut off is one whose outcome is unknown (its lease runs out
        // and the lease recovery decides, which may mean a second submission).
        threads.shutdown();
        try {
            if (!threads.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** How many calls may be in flight at once. */
    public int concurrency() {
        return concurrency;
    }

    /** True once the application shuts down: loops that start calls end. */
    public boolean stopping() {
        return stopping;
    }

    /**
     * Takes up to {@code atMost} free places, waiting until {@code until} at most for one if none is free; 0 when
     * none came (or the thread was interrupted). Waiters are served in turn: while another waits, only one place
     * is taken, so that polls and submissions both get theirs.
     */
    public int awaitFree(int atMost, Instant until) {
        try {
            long waitMillis = Math.max(1, Duration.between(clock.instant(), until).toMillis());
            if (stopping || !places.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
                return 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        int taken = 1;
        while (taken < atMost && !places.hasQueuedThreads() && places.tryAcquire()) {
            taken++;
        }
        return taken;
    }

    /**
     * Runs one call on a place taken before; the place comes back when it is over. When the pool refuses it
     * (shutting down), the place is still the caller's to give back.
     */
    public void start(Runnable call) {
        threads.execute(() -> {
            try {
                call.run();
            } finally {
                places.release();
            }
        });
    }

    /** Gives back places taken but not used for a call. */
    public void giveBack(int unused) {
        if (unused > 0) {
            places.release(unused);
        }
    }
}
