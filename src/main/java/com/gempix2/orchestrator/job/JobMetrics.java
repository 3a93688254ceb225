package com.gempix2.orchestrator.job;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/** The gauge {@code gempix2_jobs{status}}: jobs in the database by state, refreshed on a schedule. */
@Startup
@ApplicationScoped
class JobMetrics {

    private final JobRepository jobs;
    private final Map<JobStatus, AtomicLong> counts = new EnumMap<>(JobStatus.class);

    JobMetrics(JobRepository jobs, MeterRegistry registry) {
        this.jobs = jobs;
        for (JobStatus status : JobStatus.values()) {
            AtomicLong count = new AtomicLong();
            counts.put(status, count);
            Gauge.builder("gempix2.jobs", count, AtomicLong::get)
                    .description("Jobs by status, as last counted")
                    .tag("status", status.wireName())
                    .register(registry);
        }
    }

    @Scheduled(every = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    @jakarta.transaction.Transactional
    void refresh() {
        jobs.countByStatus().forEach((status, count) -> counts.get(status).set(count));
    }
}
