package com.gempix2.orchestrator.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One simulated generation. Its status follows from the time elapsed since creation (pending, then processing,
 * then terminal); whether it ends failed is decided when it is created.
 */
final class Generation {

    /** {@code data} of a successful generate-image answer. */
    record Created(String uuid, String status, String generationType, String prompt, String aspectRatio,
            String createdAt) {
    }

    /** {@code data} of an image-status answer; imageUrl only when completed, error only when failed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StatusView(String uuid, String status, int progress, long estimatedTime, String imageUrl, String error) {
    }

    /** One entry of {@code GET /sim/generations}. */
    record Summary(String uuid, String prompt, String generationType, String aspectRatio, String status,
            String createdAt) {
    }

    private final String uuid;
    private final GenerateRequest request;
    private final Instant createdAt;
    private final long pendingMillis;
    private final long processingMillis;
    private final String failure;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile long timerId = -1;
    private volatile byte[] png;

    /**
     * @param failure why it will fail, or null if it will complete
     */
    Generation(String uuid, GenerateRequest request, Instant createdAt, long pendingMillis, long processingMillis,
            String failure) {
        this.uuid = uuid;
        this.request = request;
        this.createdAt = createdAt;
        this.pendingMillis = pendingMillis;
        this.processingMillis = processingMillis;
        this.failure = failure;
    }

    /** ISO-8601 UTC to the second, as in the reference's examples. */
    static String iso(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    String uuid() {
        return uuid;
    }

    GenerateRequest request() {
        return request;
    }

    long durationMillis() {
        return pendingMillis + processingMillis;
    }

    GenerationStatus status(Instant now) {
        long elapsed = elapsedMillis(now);
        if (settled.get() || elapsed >= durationMillis()) {
            return failure == null ? GenerationStatus.COMPLETED : GenerationStatus.FAILED;
        }
        return elapsed < pendingMillis ? GenerationStatus.PENDING : GenerationStatus.PROCESSING;
    }

    /**
     * Marks the generation terminal, once; the caller that wins sends the webhook. Called by its timer, or by a
     * read that finds it due first (which happens when the clock is moved by a test).
     */
    boolean settle() {
        return settled.compareAndSet(false, true);
    }

    Created created() {
        return new Created(uuid, GenerationStatus.PENDING.wireName(), request.generationType(), request.prompt(),
                request.aspectRatio(), iso(createdAt));
    }

    StatusView view(Instant now, String imageUrl) {
        GenerationStatus status = status(now);
        long remainingMillis = Math.max(0, durationMillis() - elapsedMillis(now));
        long estimatedTime = status.isTerminal() ? 0 : (remainingMillis + 999) / 1000;
        int progress = switch (status) {
            case PENDING -> 0;
            // Never 100 before the generation is really done, however the division rounds.
            case PROCESSING ->
                (int) Math.min(99, (elapsedMillis(now) - pendingMillis) * 100 / Math.max(1, processingMillis));
            case COMPLETED, FAILED -> 100;
        };
        return new StatusView(uuid, status.wireName(), progress, estimatedTime,
                status == GenerationStatus.COMPLETED ? imageUrl : null,
                status == GenerationStatus.FAILED ? failure : null);
    }

    Summary summary(Instant now) {
        return new Summary(uuid, request.prompt(), request.generationType(), request.aspectRatio(),
                status(now).wireName(), iso(createdAt));
    }

    long timerId() {
        return timerId;
    }

    void timerId(long timerId) {
        this.timerId = timerId;
    }

    byte[] png() {
        return png;
    }

    void png(byte[] png) {
        this.png = png;
    }

    Instant createdAt() {
        return createdAt;
    }

    private long elapsedMillis(Instant now) {
        return now.toEpochMilli() - createdAt.toEpochMilli();
    }
}
