package com.gempix2.orchestrator.simulator;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** The generations in memory, their progression to a terminal status and the webhook that announces it. */
final class GenerationStore {

    static final String FAIL_SWITCH = "sim:fail";

    private final Vertx vertx;
    private final Clock clock;
    private final Random random;
    private final Counters counters;
    private final WebhookSender webhooks;
    private final Supplier<Knobs> knobs;
    private final Supplier<String> publicBaseUrl;
    private final Map<String, Generation> generations = new ConcurrentHashMap<>();

    GenerationStore(Vertx vertx, Clock clock, Random random, Counters counters, WebhookSender webhooks,
            Supplier<Knobs> knobs, Supplier<String> publicBaseUrl) {
        this.vertx = vertx;
        this.clock = clock;
        this.random = random;
        this.counters = counters;
        this.webhooks = webhooks;
        this.knobs = knobs;
        this.publicBaseUrl = publicBaseUrl;
    }

    /**
     * Creates a generation and schedules its end. With {@code webhookBeforeResponse} it is terminal at once and
     * not scheduled: the caller settles it itself, so that it can wait for the webhook.
     */
    Generation create(GenerateRequest request, Knobs current) {
        boolean immediate = current.webhookBeforeResponse();
        Generation generation = new Generation(UUID.randomUUID().toString(), request, clock.instant(),
                immediate ? 0 : current.pendingMillis(), immediate ? 0 : current.processingMillis(),
                failureFor(request, current));
        generations.put(generation.uuid(), generation);
        counters.generationCreated();
        if (!immediate) {
            // The terminal transition must happen without anyone polling, because it is what sends the webhook.
            generation.timerId(vertx.setTimer(Math.max(1, generation.durationMillis()), id -> settle(generation)));
        }
        return generation;
    }

    Optional<Generation> find(String uuid) {
        return Optional.ofNullable(generations.get(uuid));
    }

    /** The status answer for a generation, settling it first if it is due (a moved test clock gets there first). */
    Generation.StatusView view(Generation generation) {
        Instant now = clock.instant();
        if (generation.status(now).isTerminal()) {
            settle(generation);
        }
        return generation.view(now, imageUrl(generation));
    }

    /**
     * Makes the generation terminal and sends its webhook, once. The future completes when the webhook has been
     * answered (or dropped, or has failed); at once if the generation was already settled.
     */
    CompletableFuture<Void> settle(Generation generation) {
        // A generation removed by a reset must not announce itself afterwards.
        if (generations.get(generation.uuid()) != generation || !generation.settle()) {
            return CompletableFuture.completedFuture(null);
        }
        Instant now = clock.instant();
        boolean completed = generation.status(now) == GenerationStatus.COMPLETED;
        WebhookSender.Event event = new WebhookSender.Event(
                completed ? WebhookSender.Event.COMPLETED : WebhookSender.Event.FAILED,
                generation.uuid(), completed ? imageUrl(generation) : null, Generation.iso(now));
        return webhooks.deliver(event, knobs.get());
    }

    List<Generation.Summary> summaries() {
        Instant now = clock.instant();
        return generations.values().stream()
                .sorted(Comparator.comparing(Generation::createdAt).thenComparing(Generation::uuid))
                .map(generation -> generation.summary(now))
                .toList();
    }

    /** A completed generation, the only kind that has an image to serve. */
    Optional<Generation> completed(String uuid) {
        return find(uuid).filter(generation -> generation.status(clock.instant()) == GenerationStatus.COMPLETED);
    }

    void clear() {
        generations.values().forEach(generation -> vertx.cancelTimer(generation.timerId()));
        generations.clear();
    }

    private String imageUrl(Generation generation) {
        return publicBaseUrl.get() + "/files/" + generation.uuid() + ".png";
    }

    private String failureFor(GenerateRequest request, Knobs current) {
        if (request.prompt().contains(FAIL_SWITCH)) {
            return "Generation failed: the prompt asked for a failure (" + FAIL_SWITCH + ")";
        }
        // nextDouble() is below 1.0, so ratio 1.0 always fails and 0.0 never does.
        if (random.nextDouble() < current.failureRatio()) {
            return "Generation failed: simulated model error";
        }
        return null;
    }
}
