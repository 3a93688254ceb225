package com.gempix2.orchestrator.simulator;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What the simulator has seen, for tests to assert on: calls per endpoint, polls per uuid, webhook outcomes. */
final class Counters {

    /** The JSON form of {@code GET /sim/counters}. */
    record Snapshot(
            Map<String, Long> calls,
            Map<String, Long> pollsByUuid,
            long generationsCreated,
            long rateLimited,
            long webhooksSent,
            long webhooksDropped,
            long webhooksFailed) {
    }

    private final Map<Endpoint, AtomicLong> calls = new EnumMap<>(Endpoint.class);
    private final Map<String, AtomicLong> pollsByUuid = new ConcurrentHashMap<>();
    private final AtomicLong generationsCreated = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong webhooksSent = new AtomicLong();
    private final AtomicLong webhooksDropped = new AtomicLong();
    private final AtomicLong webhooksFailed = new AtomicLong();

    Counters() {
        // Filled once and never changed structurally, so the EnumMap is safe to read from any thread.
        for (Endpoint endpoint : Endpoint.values()) {
            calls.put(endpoint, new AtomicLong());
        }
    }

    void call(Endpoint endpoint) {
        calls.get(endpoint).incrementAndGet();
    }

    void poll(String uuid) {
        pollsByUuid.computeIfAbsent(uuid, key -> new AtomicLong()).incrementAndGet();
    }

    void generationCreated() {
        generationsCreated.incrementAndGet();
    }

    void rateLimited() {
        rateLimited.incrementAndGet();
    }

    void webhookSent() {
        webhooksSent.incrementAndGet();
    }

    void webhookDropped() {
        webhooksDropped.incrementAndGet();
    }

    void webhookFailed() {
        webhooksFailed.incrementAndGet();
    }

    Snapshot snapshot() {
        Map<String, Long> callView = new LinkedHashMap<>();
        calls.forEach((endpoint, count) -> callView.put(endpoint.wireName(), count.get()));
        Map<String, Long> pollView = new TreeMap<>();
        pollsByUuid.forEach((uuid, count) -> pollView.put(uuid, count.get()));
        return new Snapshot(callView, pollView, generationsCreated.get(), rateLimited.get(), webhooksSent.get(),
                webhooksDropped.get(), webhooksFailed.get());
    }

    void reset() {
        calls.values().forEach(count -> count.set(0));
        pollsByUuid.clear();
        generationsCreated.set(0);
        rateLimited.set(0);
        webhooksSent.set(0);
        webhooksDropped.set(0);
        webhooksFailed.set(0);
    }
}
