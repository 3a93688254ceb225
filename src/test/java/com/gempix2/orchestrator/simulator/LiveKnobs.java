package com.gempix2.orchestrator.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** The knobs in force: changed by the control API, by spending credits, and put back by a reset. */
final class LiveKnobs implements Supplier<Knobs> {

    /** {@code data} of a 1001 answer. */
    record CreditShortfall(long required, long current) {
    }

    private final Knobs initial;
    private final AtomicReference<Knobs> current;

    LiveKnobs(Knobs initial) {
        this.initial = initial;
        this.current = new AtomicReference<>(initial);
    }

    @Override
    public Knobs get() {
        return current.get();
    }

    /** Applies a partial change; throws {@link IllegalArgumentException} and changes nothing if it is invalid. */
    Knobs update(JsonNode changes) {
        return current.updateAndGet(knobs -> knobs.with(changes));
    }

    void reset() {
        current.set(initial);
    }

    /** Spends the price of one generation, or says how far short the account is. */
    Optional<CreditShortfall> spendForGeneration() {
        while (true) {
            Knobs knobs = current.get();
            if (knobs.credits() < knobs.creditsPerGeneration()) {
                return Optional.of(new CreditShortfall(knobs.creditsPerGeneration(), knobs.credits()));
            }
            if (current.compareAndSet(knobs, knobs.withCredits(knobs.credits() - knobs.creditsPerGeneration()))) {
                return Optional.empty();
            }
        }
    }
}
