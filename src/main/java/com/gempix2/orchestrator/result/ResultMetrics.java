package com.gempix2.orchestrator.result;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Gauges of what waits in the outbox, refreshed on a schedule: {@code gempix2_results_waiting{state}} (unsent,
 * set-aside) and {@code gempix2_results_oldest_unsent_seconds}.
 */
@Startup
@ApplicationScoped
class ResultMetrics {

    private final Outbox outbox;
    private final Clock clock;
    private final AtomicLong unsent = new AtomicLong();
    private final AtomicLong setAside = new AtomicLong();
    private final AtomicLong oldestUnsentSeconds = new AtomicLong();

    ResultMetrics(Outbox outbox, Clock clock, MeterRegistry registry) {
        this.outbox = outbox;
        this.clock = clock;
        Gauge.builder("gempix2.results.waiting", unsent, AtomicLong::get)
                .description("Result events not yet published, as last counted").tag("state", "unsent")
                .register(registry);
        Gauge.builder("gempix2.results.waiting", setAside, AtomicLong::get)
                .description("Result events not yet published, as last counted").tag("state", "set-aside")
                .register(registry);
        Gauge.builder("gempix2.results.oldest.unsent.seconds", oldestUnsentSeconds, AtomicLong::get)
                .description("Age of the oldest result event waiting to be published").register(registry);
    }

    @Scheduled(every = "15s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void refresh() {
        Outbox.Backlog backlog = outbox.backlog(clock.instant());
        unsent.set(backlog.events());
        oldestUnsentSeconds.set(backlog.oldestAge().toSeconds());
        setAside.set(outbox.countSetAside());
    }
}
