package com.gempix2.orchestrator.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.MDC;

import com.gempix2.orchestrator.config.Gempix2Config;
import com.gempix2.orchestrator.job.IntakeDecision;
import com.gempix2.orchestrator.job.IntakeJobs;
import com.gempix2.orchestrator.job.JobSpec;
import com.gempix2.orchestrator.job.NewRequest;
import com.gempix2.orchestrator.job.Outcome;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Consumes the requests topic in batches (one poll's records): every readable record of a batch is stored in
 * one transaction, and the batch is acknowledged (its offsets may be committed) only after that and after
 * its unreadable records and conflicting duplicates are on the dead-letter topic, with the reason in a header.
 * A batch the database refuses (or fails three times) is stored record by record, so that only a refused record
 * is dead-lettered.
 */
@ApplicationScoped
public class RequestConsumer {

    /** Reason header of a requestId seen before with a different payload. */
    static final String DUPLICATE_REQUEST_ID = "duplicate-request-id";
    /** Reason header of another message without a requestId under a record key already answered as rejected. */
    static final String KEY_ALREADY_ANSWERED = "requestId: required; a rejected result was already published for this record key";

    /** Attempts at storing a batch whole before its records are stored one by one (each until it is stored). */
    private static final int BATCH_ATTEMPTS = 3;

    private final RequestParser parser;
    private final IntakeJobs jobs;
    private final DeadLetters deadLetters;
    private final MeterRegistry registry;

    RequestConsumer(Gempix2Config config, IntakeJobs jobs, DeadLetters deadLetters, MeterRegistry registry) {
        this.parser = new RequestParser(config.intake(), config.allowHttp());
        this.jobs = jobs;
        this.deadLetters = deadLetters;
        this.registry = registry;
    }

    /** A readable record and what is to be stored for it. */
    private record Readable(KafkaRecord<String, byte[]> record, NewRequest request) {
    }

    @Incoming("requests")
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        List<CompletionStage<Void>> sent = new ArrayList<>();
        List<Readable> readable = new ArrayList<>();
        for (KafkaRecord<String, byte[]> record : batch.getRecords()) {
            ParsedRequest parsed = parser.parse(record.getKey(), record.getPayload());
            if (parsed instanceof ParsedRequest.Unreadable unreadable) {
                sent.add(deadLetter(record, unreadable.reason()));
            } else if (parsed instanceof ParsedRequest.Invalid invalid) {
                readable.add(
                        new Readable(record, NewRequest.invalid(invalid.spec(), invalid.code(), invalid.message())));
            } else {
                readable.add(new Readable(record, NewRequest.valid(((ParsedRequest.Valid) parsed).spec())));
            }
        }
        Optional<List<IntakeDecision>> stored = storeAll(readable, sent);
        if (stored.isEmpty()) {
            // Shutting down before the batch could be stored: left unacknowledged, it is consumed again.
            return new CompletableFuture<>();
        }
        for (int i = 0; i < readable.size(); i++) {
            IntakeDecision decision = stored.get().get(i);
            if (decision != null) {
                answered(readable.get(i), decision, sent);
            }
        }
        return CompletableFuture.allOf(sent.stream().map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new)).thenCompose(done -> batch.ack());
    }

    /**
     * The decision for each readable record, in their order (null for one dead-lettered because the database
     * refuses it); empty when shutting down first.
     */
    private Optional<List<IntakeDecision>> storeAll(List<Readable> readable, List<CompletionStage<Void>> sent) {
        if (readable.isEmpty()) {
            return Optional.of(List.of());
        }
        List<NewRequest> requests = readable.stream().map(Readable::request).toList();
        try {
            return StoreRetry.untilStored("Storing " + requests.size() + " requests", () -> jobs.store(requests),
                    BATCH_ATTEMPTS);
        } catch (StoreRetry.NotStorable | StoreRetry.GaveUp batchFailed) {
            // One record's content, or the batch's size (its locks, a timeout): each on its own, so that the
            // others are stored and only a record the database refuses is dead-lettered.
            Log.warnf("Storing a batch of %d requests failed (%s): storing them one by one", requests.size(),
                    batchFailed.getMessage());
            List<IntakeDecision> decisions = new ArrayList<>();
            for (Readable one : readable) {
                try {
                    Optional<List<IntakeDecision>> stored = StoreRetry.untilStored("Storing the request",
                            () -> jobs.store(List.of(one.request())));
                    if (stored.isEmpty()) {
                        return Optional.empty();
                    }
                    decisions.add(stored.get().get(0));
                } catch (StoreRetry.NotStorable e) {
                    sent.add(deadLetter(one.record(), "not storable: " + e.getMessage()));
                    decisions.add(null);
                }
            }
            return Optional.of(decisions);
        }
    }

    private void answered(Readable readable, IntakeDecision decision, List<CompletionStage<Void>> sent) {
        JobSpec spec = readable.request().spec();
        boolean keyed = JobSpec.isKeyed(spec.requestId());
        count(decision.name().toLowerCase().replace('_', '-'));
        if (decision == IntakeDecision.DUPLICATE_CONFLICT) {
            // Without a requestId, the key's one rejected result (its ce_id) is taken already.
            sent.add(deadLetter(readable.record(), keyed ? KEY_ALREADY_ANSWERED : DUPLICATE_REQUEST_ID));
        } else if (decision == IntakeDecision.REJECTED) {
            MDC.put("requestId", keyed ? "(none)" : spec.requestId());
            try {
                Outcome rejection = readable.request().rejection();
                // A rejection decided in storing (no room for its source bytes) is logged by the job service.
                Log.infof("Rejected %s: %s", keyed ? "a request without a requestId" : "request " + spec.requestId(),
                        rejection == null ? "as it was stored" : rejection.errorMessage());
            } finally {
                MDC.remove("requestId");
            }
        }
    }

    private CompletionStage<Void> deadLetter(KafkaRecord<String, byte[]> record, String reason) {
        count("dead-lettered");
        return deadLetters.send(record, reason);
    }

    private void count(String outcome) {
        registry.counter("gempix2.requests", "outcome", outcome).increment();
    }
}
