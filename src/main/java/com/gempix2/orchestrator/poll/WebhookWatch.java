package com.gempix2.orchestrator.poll;

import com.gempix2.orchestrator.config.PollConfig;
import com.gempix2.orchestrator.job.PollJobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Notices when Gempix2's webhooks have stopped coming: the latest outcomes, of every replica, were all learned
 * by polling. Says so in the {@code upstream} health group ({@link WebhookHealthCheck}), as the gauge
 * {@code gempix2_webhooks_stopped} and in one loud log line; and again when a webhook comes back. Made at startup, so
 * that the gauge is in every scrape, not only once something has used the watch.
 */
@Startup
@ApplicationScoped
class WebhookWatch {

    private final PollJobs jobs;
    private final PollConfig config;
    private volatile boolean stopped;

    WebhookWatch(PollJobs jobs, PollConfig config, MeterRegistry registry) {
        this.jobs = jobs;
        this.config = config;
        Gauge.builder("gempix2.webhooks.stopped", this, watch -> watch.stopped ? 1 : 0)
                .description("1 while the latest outcomes all came by polling: Gempix2's webhooks are not arriving")
                .register(registry);
    }

    /** Looks at the latest outcomes again; true while the webhooks count as stopped. */
    boolean refresh() {
        int count = config.overdue().stoppedAfter();
        boolean now = jobs.lastOutcomesAllPolled(count);
        if (now && !stopped) {
            Log.errorf(
                    "Gempix2's webhooks are not arriving: the last %d outcomes all came by polling. Check the webhook "
                            + "URL in the Gempix2 dashboard, GEMPIX2_WEBHOOK_TOKENS and the route to /webhooks/gempix2. "
                            + "Meanwhile jobs are polled when their generations typically end",
                    count);
        } else if (!now && stopped) {
            Log.info("A webhook from Gempix2 came again: polling only for overdue webhooks once more");
        }
        stopped = now;
        return now;
    }

    boolean stopped() {
        return stopped;
    }

    int stoppedAfter() {
        return config.overdue().stoppedAfter();
    }
}
