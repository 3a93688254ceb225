package com.gempix2.orchestrator.job;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

/**
 * Ends jobs, for every service of this package: the one place a job becomes terminal. It runs inside the
 * caller's transaction and fires {@link JobFinished} there, so the result event commits with the state or not
 * at all.
 */
@ApplicationScoped
class JobFinisher {

    private final Event<JobFinished> finished;
    private final HeldSources heldSources;
    private final Clock clock;
    private final MeterRegistry registry;

    JobFinisher(Event<JobFinished> finished, HeldSources heldSources, Clock clock, MeterRegistry registry) {
        this.finished = finished;
        this.heldSources = heldSources;
        this.clock = clock;
        this.registry = registry;
    }

    /** Ends a job: its one result event is written in this transaction, its held source bytes go. */
    void finish(Job job, Outcome requested) {
        Outcome outcome = requested;
        if (job.cancelRequested() && requested.status() != JobStatus.CANCELLED) {
            // The business system no longer wants it: say what Gempix2 did, but publish it as cancelled.
            outcome = Outcome.cancelled("cancelled while in flight; Gempix2's outcome was "
                    + requested.status().wireName()
                    + (requested.errorMessage() == null ? "" : " (" + requested.errorMessage() + ")"), requested.via());
        }
        if (job.needsSource()) {
            heldSources.delete(job.id());
        }
        job.finish(outcome, clock.instant());
        finished.fire(new JobFinished(job));
        registry.counter("gempix2.results", "status", outcome.status().wireName(),
                "completed_via", outcome.via() == null ? "none" : outcome.via().wireName()).increment();
        Log.infof("Job %s finished: %s%s", job.requestId(), outcome.status().wireName(),
                outcome.errorCode() == null ? "" : " (" + outcome.errorCode() + " " + outcome.errorMessage() + ")");
    }
}
