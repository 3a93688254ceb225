package com.gempix2.orchestrator.intake;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Sends a request record that cannot be answered on the results topic to the dead-letter topic: its key,
 * value and headers, with the reason and where it came from in the headers the dead-letter-queue failure
 * strategy writes. The consumers dead-letter records here, one by one, rather than nack them: a batch is
 * acknowledged as a whole.
 */
@ApplicationScoped
class DeadLetters {

    /** Room for every record of a batch ({@code max.poll.records}, 500) many times over. */
    private static final int BUFFER = 8192;

    private final Emitter<byte[]> deadLetters;

    DeadLetters(@Channel("dead-letters") @OnOverflow(value = OnOverflow.Strategy.BUFFER,
            bufferSize = BUFFER) Emitter<byte[]> deadLetters) {
        this.deadLetters = deadLetters;
    }

    /** Completes once the broker has the dead letter. */
    CompletionStage<Void> send(KafkaRecord<String, byte[]> record, String reason) {
        // Every record consumed carries it; without it (never), the dead letter says so rather than guess.
        var from = record.getMetadata(IncomingKafkaRecordMetadata.class);
        String offset = from.map(m -> Long.toString(m.getOffset())).orElse("unknown");
        Log.warnf("Dead-lettering record %s-%d@%s: %s", record.getTopic(), record.getPartition(), offset, reason);
        RecordHeaders headers = new RecordHeaders();
        // The producer's own headers go along, but never as the reason or the origin.
        record.getHeaders().forEach(header -> {
            if (!header.key().startsWith("dead-letter-")) {
                headers.add(header);
            }
        });
        headers.add("dead-letter-reason", bytes(reason));
        headers.add("dead-letter-topic", bytes(record.getTopic()));
        headers.add("dead-letter-partition", bytes(Integer.toString(record.getPartition())));
        headers.add("dead-letter-offset", bytes(offset));
        CompletableFuture<Void> sent = new CompletableFuture<>();
        byte[] value = record.getPayload() == null ? new byte[0] : record.getPayload();
        deadLetters.send(Message.of(value)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(record.getKey()).withHeaders(headers)
                        .build())
                .withAck(() -> {
                    sent.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    sent.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return sent;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
