package com.gempix2.orchestrator.result;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.gempix2.orchestrator.job.JobFinished;
import com.gempix2.orchestrator.job.JobSpec;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;

/**
 * The outbox relay: publishes stored result events to the results topic as CloudEvents (binary
 * mode) and marks them sent once the broker has them. A crash between the two publishes the same
 * bytes with the same {@code ce_id} again, which consumers drop.
 */
@ApplicationScoped
public class ResultPublisher {

    private final Emitter<String> results;
    private final EntityManager em;
    private final ResultConfig config;
    private final Clock clock;
    private final Vertx vertx;
    private final AtomicBoolean relayQueued = new AtomicBoolean();

    ResultPublisher(@Channel("results") Emitter<String> results, EntityManager em, ResultConfig config, Clock clock,
            Vertx vertx) {
        this.results = results;
        this.em = em;
        this.config = config;
        this.clock = clock;
        this.vertx = vertx;
    }

    /**
     * A result was committed: publish it now rather than at the next tick. Off the committing thread
     * (often a webhook request), and coalesced: one relay run takes every result committed before it.
     */
    void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobFinished finished) {
        if (relayQueued.compareAndSet(false, true)) {
            vertx.executeBlocking(() -> {
                relayQueued.set(false);
                relay();
                return null;
            }, false);
        }
    }

    @Scheduled(every = "${gempix2.results.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void relay() {
        try {
            while (QuarkusTransaction.requiringNew().call(this::publishBatch) == config.batchSize()) {
                Log.debug("Outbox batch full, publishing the next one");
            }
        } catch (RuntimeException e) {
            Log.warnf("Publishing results failed, retrying on the next tick: %s", e.getMessage());
        }
    }

    private int publishBatch() throws Exception {
        @SuppressWarnings("unchecked")
        List<OutboxEvent> batch = em.createNativeQuery("""
                select * from outbox_event where sent_at is null
                order by id limit ?1 for update skip locked""", OutboxEvent.class)
                .setParameter(1, config.batchSize())
                .getResultList();
        if (batch.isEmpty()) {
            return 0;
        }
        CompletableFuture<?>[] acks = batch.stream().map(this::send).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(acks).get(config.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        var now = clock.instant();
        batch.forEach(event -> event.sentAt = now);
        return batch.size();
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
        results.send(message);
        return acked;
    }
}
