package com.gempix2.orchestrator.intake;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import com.gempix2.orchestrator.job.Backoff;

import io.quarkus.logging.Log;

/**
 * Retries a database write until it succeeds: a database outage must hold the partition (the offset
 * stays uncommitted), never dead-letter a good message.
 */
final class StoreRetry {

    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

    private StoreRetry() {
    }

    /** The write's result; empty only when the thread is interrupted (shutting down) before it succeeded. */
    static <T> Optional<T> untilStored(String what, Supplier<T> write) {
        for (int attempt = 1;; attempt++) {
            try {
                return Optional.of(write.get());
            } catch (RuntimeException e) {
                Duration wait = BACKOFF.delay(attempt, Math::random);
                Log.warnf("%s failed (attempt %d), retrying in %d ms: %s", what, attempt, wait.toMillis(),
                        e.getMessage());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
    }
}
