package com.gempix2.orchestrator.intake;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.MDC;

import com.gempix2.orchestrator.job.IntakeDecision;
import com.gempix2.orchestrator.job.JobService;
import com.gempix2.orchestrator.job.JobSpec;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Consumes the requests topic. A record is acknowledged (and its offset may be committed) only
 * after its job is stored; unreadable records and conflicting duplicates are nacked, which the
 * channel's dead-letter strategy sends to the dead-letter topic with the reason in a header.
 */
@ApplicationScoped
public class RequestConsumer {

    /** Reason header of a requestId seen before with a different payload. */
    static final String DUPLICATE_REQUEST_ID = "duplicate-request-id";
    /** Reason header of another message without a requestId under a record key already answered as rejected. */
    static final String KEY_ALREADY_ANSWERED = "requestId: required; a rejected result was already published for this record key";

    private final RequestParser parser;
    private final JobService jobs;
    private final MeterRegistry registry;

    RequestConsumer(IntakeConfig rules, JobService jobs, MeterRegistry registry) {
        this.parser = new RequestParser(rules);
        this.jobs = jobs;
        this.registry = registry;
    }

    @Incoming("requests")
    @Blocking
    public CompletionStage<Void> consume(KafkaRecord<String, byte[]> record) {
        ParsedRequest parsed = parser.parse(record.getKey(), record.getPayload());
        if (parsed instanceof ParsedRequest.Unreadable unreadable) {
            return deadLetter(record, unreadable.reason());
        }
        ParsedRequest.Invalid invalid = parsed instanceof ParsedRequest.Invalid i ? i : null;
        JobSpec spec = invalid != null ? invalid.spec() : ((ParsedRequest.Valid) parsed).spec();
        boolean keyed = JobSpec.isKeyed(spec.requestId());
        MDC.put("requestId", keyed ? "(none)" : spec.requestId());
        try {
            Optional<IntakeDecision> stored;
            try {
                stored = StoreRetry.untilStored("Storing the request", () -> invalid == null
                        ? jobs.accept(spec)
                        : jobs.reject(spec, invalid.code(), invalid.message()));
            } catch (StoreRetry.NotStorable e) {
                return deadLetter(record, "not storable: " + e.getMessage());
            }
            if (stored.isEmpty()) {
                // Shutting down before the job could be stored: leave the record unacknowledged for redelivery.
                return new CompletableFuture<>();
            }
            IntakeDecision decision = stored.get();
            count(decision.name().toLowerCase().replace('_', '-'));
            if (decision == IntakeDecision.DUPLICATE_CONFLICT) {
                // Without a requestId, the key's one rejected result (its ce_id) is taken already.
                return deadLetter(record, keyed ? KEY_ALREADY_ANSWERED : DUPLICATE_REQUEST_ID);
            }
            if (decision == IntakeDecision.REJECTED) {
                Log.infof("Rejected %s: %s", keyed ? "a request without a requestId" : "request " + spec.requestId(),
                        invalid.message());
            }
            return record.ack();
        } finally {
            MDC.remove("requestId");
        }
    }

    private CompletionStage<Void> deadLetter(KafkaRecord<String, byte[]> record, String reason) {
        Log.warnf("Dead-lettering record %s: %s", record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getTopic() + "-" + m.getPartition() + "@" + m.getOffset()).orElse("?"), reason);
        count("dead-lettered");
        return record.nack(new DeadLetterReason(reason));
    }

    private void count(String outcome) {
        registry.counter("gempix2.requests", "outcome", outcome).increment();
    }

    /** The nack cause whose message becomes the {@code dead-letter-reason} header. */
    static final class DeadLetterReason extends RuntimeException {
        DeadLetterReason(String reason) {
            super(reason, null, false, false);
        }
    }
}
