package com.gempix2.orchestrator.result;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.gempix2.orchestrator.config.ResultConfig;
import com.gempix2.orchestrator.job.JobFinished;
import com.gempix2.orchestrator.job.JobSpec;
import com.gempix2.orchestrator.support.Backoff;
import com.gempix2.orchestrator.support.CoalescedRuns;
import com.gempix2.orchestrator.support.DatabaseOutages;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

/**
 * The outbox relay: publishes stored result events to the results topic as CloudEvents (binary mode).
 * <ul>
 * <li>One relay at a time per replica, on a thread of its own: however many jobs finish while the broker is away,
 * they wait in the table, not in threads or connections.</li>
 * <li>No transaction waits on the broker: a batch is claimed for {@code results.claim} in one short transaction,
 * sent, and each event is then marked sent (or set aside, or put off) in another. A claim of a replica that died
 * lapses and another replica publishes the same bytes with the same {@code ce_id} again, which consumers drop.</li>
 * <li>A record the broker refuses for good (too large, invalid) is set aside with its reason, counted, and left for
 * an operator; the rest go on. Any other failure is retried with backoff, without holding up later events.</li>
 * </ul>
 */
@ApplicationScoped
public class ResultPublisher {

    private static final int REASON_MAX_LENGTH = 500;
    /** At shutdown, how long a relay run in progress may go on settling what the broker answered. */
    private static final long STOP_WAIT_SECONDS = 10;
    private static final Duration MARK_SENT_RETRY_FOR = Duration.ofMinutes(5);
    private static final long MARK_SENT_RETRY_FIRST_MILLIS = 250;
    private static final long MARK_SENT_RETRY_MAX_MILLIS = 2000;

    private final Emitter<String> results;
    private final Outbox outbox;
    private final ResultConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Backoff backoff;
    private final Counter published;
    private final Counter failed;
    /** One run at a time, coalesced: a run takes every event committed before it starts. */
    private final CoalescedRuns relayRuns = new CoalescedRuns("result-relay", this::relay);
    private volatile boolean stopping;
    /**
     * While the database is away nobody renews a claim, so a claim that lapsed meanwhile may be another replica's whose
     * events the broker took and whose "sent" is not stored yet: those are left to it for one claim after the outage.
     */
    private final DatabaseOutages outages;

    ResultPublisher(@Channel("results") Emitter<String> results, Outbox outbox, ResultConfig config, Clock clock,
            MeterRegistry registry) {
        this.results = results;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
        this.backoff = new Backoff(config.retryInitial(), config.retryMax());
        this.outages = new DatabaseOutages(clock);
        this.published = Counter.builder("gempix2.results.published").description("Result events the broker took")
                .register(registry);
        this.failed = Counter.builder("gempix2.results.publish.failures")
                .description("Sends of a result event the broker did not take (retried later)").register(registry);
    }

    /** A result was committed: publish it now rather than at the next tick. */
    void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobFinished finished) {
        requestRun();
    }

    @Scheduled(every = "${gempix2.results.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        requestRun();
    }

    /** The result events set aside, oldest first. */
    public List<SetAsideResult> setAside(int limit) {
        return outbox.setAside(limit);
    }

    /** Puts a set-aside result back in line (an operator fixed its cause); false when none is set aside. */
    public boolean retrySetAside(String requestId) {
        boolean retried = outbox.retry(requestId);
        if (retried) {
            requestRun();
        }
        return retried;
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        relayRuns.stop(Duration.ofSeconds(STOP_WAIT_SECONDS));
    }

    private void requestRun() {
        if (!stopping) {
            relayRuns.request();
        }
    }

    private void relay() {
        try {
            while (!stopping && publishBatch() == config.batchSize()) {
                Log.debug("Outbox batch full, publishing the next one");
            }
        } catch (RuntimeException e) {
            outages.noteIfLost(e);
            Log.warnf("Publishing results failed, retrying on the next tick: %s", e.getMessage());
        }
    }

    /**
     * Claims, sends and settles one batch; the count claimed, or 0 when the broker left some unanswered. While the
     * broker has not answered, the claim is renewed: no other replica sends the events again while this one may
     * still have them delivered (a replica that dies stops renewing, and its claim lapses).
     */
    private int publishBatch() {
        Instant now = clock.instant();
        Instant lapsedBy = now;
        if (outages.within(config.claim())) {
            Instant beforeOutage = outages.began().minus(config.claim());
            lapsedBy = beforeOutage.isBefore(now) ? beforeOutage : now;
        }
        List<OutboxEvent> batch = outbox.claim(lapsedBy, now.plus(config.claim()), config.batchSize());
        outages.noteReached();
        if (batch.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<Void>> acks = batch.stream().map(this::send).toList();
        CompletableFuture<Void> all = CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
        long renewEvery = Math.max(1, config.claim().toMillis() / 3);
        long giveUpAt = System.nanoTime() + config.sendTimeout().toNanos();
        while (!all.isDone() && System.nanoTime() < giveUpAt && !stopping) {
            try {
                all.get(renewEvery, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // Every event of the batch: those answered are settled only once the batch is.
                outbox.renew(batch.stream().map(event -> event.id).toList(), clock.instant().plus(config.claim()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                // Some were refused: settled one by one below.
                break;
            }
        }
        if (!all.isDone()) {
            Log.warnf("The broker answered %d of %d result events within %s; the rest are published again once "
                    + "their claim lapses", acks.stream().filter(CompletableFuture::isDone).count(), acks.size(),
                    config.sendTimeout());
        }
        boolean allAnswered = settle(batch, acks);
        return allAnswered ? batch.size() : 0;
    }

    /**
     * Marks what the broker took as sent (first, and again while the database cannot be reached: events the broker
     * has are not to be published twice), then sets aside what it refused for good and puts off the rest.
     */
    private boolean settle(List<OutboxEvent> batch, List<CompletableFuture<Void>> acks) {
        Instant now = clock.instant();
        List<Long> sent = new ArrayList<>();
        boolean allAnswered = true;
        for (int i = 0; i < batch.size(); i++) {
            CompletableFuture<Void> ack = acks.get(i);
            if (!ack.isDone()) {
                // Unanswered: it stays claimed, so nobody sends it again while the broker may still take it.
                allAnswered = false;
            } else if (!ack.isCompletedExceptionally()) {
                sent.add(batch.get(i).id);
            }
        }
        markSent(sent, now);
        published.increment(sent.size());
        for (int i = 0; i < batch.size(); i++) {
            OutboxEvent event = batch.get(i);
            CompletableFuture<Void> ack = acks.get(i);
            if (ack.isCompletedExceptionally()) {
                Throwable failure = ack.handle((ok, error) -> error).join();
                failed.increment();
                String refusal = refusedForGood(failure);
                if (refusal != null) {
                    String reason = truncate(failure.getClass().getSimpleName() + ": " + failure.getMessage());
                    outbox.setAside(event.id, now, reason);
                    registry.counter("gempix2.results.set.aside", "reason", refusal).increment();
                    Log.errorf("The result of %s cannot be published and is set aside (%s); the others go on. "
                            + "Retry it with POST /api/v1/results/{requestId}/retry once the cause is fixed",
                            event.requestId, reason);
                } else {
                    Duration delay = backoff.delay(event.publishFailures + 1, ThreadLocalRandom.current()::nextDouble);
                    outbox.retryLater(event.id, now.plus(delay));
                    Log.warnf("Publishing the result of %s failed (%s), retrying in %s", event.requestId,
                            failure.getMessage(), delay);
                }
            }
        }
        return allAnswered;
    }

    private void markSent(List<Long> sent, Instant at) {
        long giveUpAt = System.nanoTime() + MARK_SENT_RETRY_FOR.toNanos();
        long waitMillis = MARK_SENT_RETRY_FIRST_MILLIS;
        while (true) {
            try {
                outbox.markSent(sent, at);
                return;
            } catch (RuntimeException e) {
                if (!outages.noteIfLost(e) || System.nanoTime() > giveUpAt) {
                    throw e;
                }
                Log.warnf("Could not mark %d published results sent (%s): trying again in %d ms", sent.size(),
                        e.getMessage(), waitMillis);
            }
            try {
                Thread.sleep(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while marking results sent", e);
            }
            waitMillis = Math.min(waitMillis * 2, MARK_SENT_RETRY_MAX_MILLIS);
        }
    }

    /** The bounded label of a refusal that no retry can change, or null when a later send may succeed. */
    private static String refusedForGood(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException) {
                return "record-too-large";
            }
            if (t instanceof InvalidRecordException) {
                return "invalid-record";
            }
            if (t instanceof SerializationException) {
                return "serialization";
            }
        }
        return null;
    }

    private static String truncate(String text) {
        return text.length() <= REASON_MAX_LENGTH ? text : text.substring(0, REASON_MAX_LENGTH) + "…";
    }

    private CompletableFuture<Void> send(OutboxEvent event) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<String> message = Message.of(event.payload)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.recordKey).build())
                .addMetadata(OutgoingCloudEventMetadata.builder()
                        .withId(event.ceId)
                        .withType(event.ceType)
                        .withSource(config.source())
                        .withSubject(JobSpec.isKeyed(event.requestId) ? null : event.requestId)
                        .withTimestamp(event.createdAt.atZone(ZoneOffset.UTC))
                        .build())
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            results.send(message);
        } catch (RuntimeException e) {
            // The emitter's buffer is full or the channel is down: this one is tried again later.
            acked.completeExceptionally(e);
        }
        return acked;
    }
}
