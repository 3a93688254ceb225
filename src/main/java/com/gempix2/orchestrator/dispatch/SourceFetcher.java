package com.gempix2.orchestrator.dispatch;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.MDC;

import com.gempix2.orchestrator.config.DispatchConfig;
import com.gempix2.orchestrator.config.Gempix2Config;
import com.gempix2.orchestrator.config.SourceConfig;
import com.gempix2.orchestrator.job.ErrorCodes;
import com.gempix2.orchestrator.job.FetchTarget;
import com.gempix2.orchestrator.job.Outcome;
import com.gempix2.orchestrator.job.SourceJobs;
import com.gempix2.orchestrator.support.Backoff;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Downloads the source images of image_to_image jobs, apart from dispatch: on a pool of its own
 * ({@code source.concurrency}, at most {@code source.per-host} from one host), while the job stays queued without a
 * claim or a permit. A slow or hostile source delays only its own job; the dispatcher sees the job once its bytes
 * are stored, and uploads them first.
 */
@ApplicationScoped
public class SourceFetcher {

    /** Beyond the download's own deadline, before its claim lapses and another replica may try it. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);

    private final SourceJobs jobs;
    private final SourceConfig config;
    private final DispatchConfig dispatch;
    private final SourceImages images;
    private final Backoff backoff;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Semaphore places;
    /** Downloads in progress by host; a host without any has no entry, so the map is bounded by the places. */
    private final Map<String, Integer> perHost = new ConcurrentHashMap<>();
    private final ExecutorService pool;
    private volatile boolean stopping;

    SourceFetcher(SourceJobs jobs, Gempix2Config settings, Clock clock, MeterRegistry registry) {
        this.jobs = jobs;
        this.config = settings.source();
        this.dispatch = settings.dispatch();
        this.images = new SourceImages(config, settings.allowHttp());
        this.backoff = new Backoff(dispatch.dispatch().backoffInitial(), dispatch.dispatch().backoffMax());
        this.clock = clock;
        this.registry = registry;
        this.places = new Semaphore(config.source().concurrency());
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(config.source().concurrency(), task -> {
            Thread thread = new Thread(task, "source-fetch-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Scheduled(every = "${gempix2.dispatch.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        int free = places.availablePermits();
        if (free == 0) {
            return;
        }
        List<FetchTarget> targets = jobs.claimFetches(free, config.source().timeout().plus(LEASE_MARGIN));
        for (FetchTarget target : targets) {
            if (stopping) {
                // Their claims lapse and another replica (or this one, started again) downloads them.
                return;
            }
            String host = host(target.url());
            if (!takeHost(host)) {
                // That host has its share in progress: the others go first, this one at the next tick.
                jobs.fetchPutOff(target.id(), clock.instant().plus(dispatch.dispatch().interval()));
                continue;
            }
            if (!places.tryAcquire()) {
                releaseHost(host);
                jobs.fetchPutOff(target.id(), clock.instant());
                continue;
            }
            pool.execute(() -> {
                try {
                    fetch(target);
                } catch (RuntimeException e) {
                    // Its claim lapses and the download is tried again then.
                    Log.errorf(e, "Fetching the source image of %s failed unexpectedly", target.requestId());
                } finally {
                    releaseHost(host);
                    places.release();
                }
            });
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fetch(FetchTarget target) {
        MDC.put("requestId", target.requestId());
        try {
            SourceImages.Fetched fetched = images.fetch(target.url());
            if (fetched instanceof SourceImages.Fetched.Image image) {
                SourceJobs.Stored stored = jobs.fetched(target.id(), image.bytes(), config.source().fullRetry());
                count(stored == SourceJobs.Stored.FULL ? "full" : "stored");
                if (stored == SourceJobs.Stored.FULL) {
                    Log.warnf("No room for the source image of %s (%d bytes) under the caps on held source bytes; "
                            + "downloading it again in %s", target.requestId(), image.bytes().length,
                            config.source().fullRetry());
                }
            } else if (fetched instanceof SourceImages.Fetched.Unusable unusable) {
                count("unusable");
                jobs.fetchEnded(target.id(), Outcome.rejected(ErrorCodes.SOURCE_IMAGE_UNUSABLE,
                        "sourceImage: " + unusable.reason()));
            } else if (stopping) {
                // Cut off by the shutdown, not by the source: no failure counted, tried again at once elsewhere.
                jobs.fetchPutOff(target.id(), clock.instant());
            } else {
                String reason = ((SourceImages.Fetched.Unavailable) fetched).reason();
                count("unavailable");
                int failures = target.failures() + 1;
                if (failures >= dispatch.dispatch().maxAttempts()) {
                    jobs.fetchEnded(target.id(), Outcome.failed(ErrorCodes.SOURCE_IMAGE_UNUSABLE,
                            "sourceImage: gave up after " + failures + " downloads: " + reason, null));
                } else {
                    Instant next = clock.instant()
                            .plus(backoff.delay(failures, ThreadLocalRandom.current()::nextDouble));
                    Log.infof("Source image of %s not downloaded (%s), trying again at %s", target.requestId(), reason,
                            next);
                    jobs.fetchFailed(target.id(), next);
                }
            }
        } finally {
            MDC.remove("requestId");
        }
    }

    private void count(String outcome) {
        registry.counter("gempix2.source.downloads", "outcome", outcome).increment();
    }

    private boolean takeHost(String host) {
        boolean[] taken = {false};
        perHost.compute(host, (h, inProgress) -> {
            int now = inProgress == null ? 0 : inProgress;
            if (now >= config.source().perHost()) {
                return inProgress;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    private void releaseHost(String host) {
        perHost.computeIfPresent(host, (h, inProgress) -> inProgress <= 1 ? null : inProgress - 1);
    }

    private static String host(String url) {
        if (url == null) {
            return "";
        }
        try {
            String host = URI.create(url).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
