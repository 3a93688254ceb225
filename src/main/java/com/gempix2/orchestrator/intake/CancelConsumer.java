package com.gempix2.orchestrator.intake;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.MDC;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gempix2.orchestrator.job.CancelDecision;
import com.gempix2.orchestrator.job.IntakeJobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Consumes the cancellations topic: {@code {"requestId": "..."}} cancels that request. A message
 * without a usable requestId goes to the dead-letter topic with the reason.
 */
@ApplicationScoped
public class CancelConsumer {

    /** How long a cancel message waits for a request that has not arrived. */
    private static final int MAX_MESSAGE_BYTES = 4096;

    private final IntakeJobs jobs;
    private final ObjectMapper mapper;
    private final DeadLetters deadLetters;
    private final MeterRegistry registry;

    CancelConsumer(IntakeJobs jobs, ObjectMapper mapper, DeadLetters deadLetters, MeterRegistry registry) {
        this.jobs = jobs;
        this.deadLetters = deadLetters;
        this.mapper = mapper;
        this.registry = registry;
    }

    @Incoming("cancellations")
    @Blocking
    public CompletionStage<Void> consume(KafkaRecord<String, byte[]> record) {
        String requestId;
        try {
            requestId = requestId(record.getPayload());
        } catch (IllegalArgumentException e) {
            return deadLetter(record, e.getMessage());
        }
        MDC.put("requestId", requestId);
        try {
            Optional<CancelDecision> decision;
            try {
                decision = StoreRetry.untilStored("Storing the cancel", () -> jobs.cancel(requestId));
            } catch (StoreRetry.NotStorable e) {
                return deadLetter(record, "not storable: " + e.getMessage());
            }
            if (decision.isEmpty()) {
                // Shutting down before the cancel was stored: leave the record unacknowledged for redelivery.
                return new CompletableFuture<>();
            }
            count(decision.get().name().toLowerCase().replace('_', '-'));
            Log.infof("Cancel of %s: %s", requestId, decision.get());
            return record.ack();
        } finally {
            MDC.remove("requestId");
        }
    }

    private CompletionStage<Void> deadLetter(KafkaRecord<String, byte[]> record, String reason) {
        count("dead-lettered");
        return deadLetters.send(record, reason).thenCompose(sent -> record.ack());
    }

    private String requestId(byte[] value) {
        if (value == null || value.length == 0 || value.length > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("cancel message must be a JSON object of at most " + MAX_MESSAGE_BYTES
                    + " bytes");
        }
        JsonNode root;
        try {
            root = mapper.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON");
        }
        JsonNode id = root == null ? null : root.get("requestId");
        if (id == null || !id.isTextual() || !RequestParser.validId(id.asText())) {
            throw new IllegalArgumentException("requestId: required, 1..128 printable characters");
        }
        return id.asText();
    }

    private void count(String outcome) {
        registry.counter("gempix2.cancellations", "outcome", outcome).increment();
    }
}
