package com.gempix2.orchestrator.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/** Posts {@code images.completed} / {@code images.failed} events, misbehaving as the knobs ask (drop, duplicate, delay). */
final class WebhookSender {

    /** The webhook payload of the reference; imageUrl only for completed images. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Event(String event, String uuid, String imageUrl, String timestamp) {

        static final String COMPLETED = "images.completed";
        static final String FAILED = "images.failed";
    }

    private static final System.Logger LOG = System.getLogger(WebhookSender.class.getName());
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final Counters counters;
    private final Random random;
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    WebhookSender(Vertx vertx, Counters counters, Random random) {
        this.vertx = vertx;
        this.counters = counters;
        this.random = random;
    }

    /**
     * Sends {@code event} to the knobs' webhook URL, if any. The future completes (never exceptionally) once every
     * copy has been answered or has failed, so that a caller may hold its own answer until then.
     */
    CompletableFuture<Void> deliver(Event event, Knobs knobs) {
        if (knobs.webhookUrl() == null) {
            return CompletableFuture.completedFuture(null);
        }
        // nextDouble() is below 1.0, so ratio 1.0 is "always" and 0.0 is "never", deterministically.
        if (random.nextDouble() < knobs.webhookDropRatio()) {
            counters.webhookDropped();
            LOG.log(Level.DEBUG, "Dropping webhook {0} for {1}", event.event(), event.uuid());
            return CompletableFuture.completedFuture(null);
        }
        boolean twice = random.nextDouble() < knobs.webhookDuplicateRatio();
        URI target = URI.create(knobs.webhookUrl());
        String body = SimulatorJson.write(event);
        CompletableFuture<Void> sent = delay(knobs.webhookDelayMillis()).thenCompose(ignored -> post(target, body));
        // The copy goes after the first is answered, as a sender retrying a delivery it believes lost would.
        return twice ? sent.thenCompose(ignored -> post(target, body)) : sent;
    }

    private CompletableFuture<Void> delay(long millis) {
        CompletableFuture<Void> elapsed = new CompletableFuture<>();
        if (millis <= 0) {
            elapsed.complete(null);
        } else {
            vertx.setTimer(millis, id -> elapsed.complete(null));
        }
        return elapsed;
    }

    private CompletableFuture<Void> post(URI target, String body) {
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, error) -> {
                    if (error != null) {
                        counters.webhookFailed();
                        LOG.log(Level.WARNING, "Webhook to {0} failed: {1}", hostOf(target), error.toString());
                    } else if (response.statusCode() / 100 != 2) {
                        counters.webhookFailed();
                        LOG.log(Level.WARNING, "Webhook to {0} answered HTTP {1}", hostOf(target),
                                response.statusCode());
                    } else {
                        counters.webhookSent();
                    }
                    return null;
                });
    }

    // The query string of a webhook URL carries the receiver's secret token: never log it.
    private static String hostOf(URI target) {
        return target.getScheme() + "://" + target.getAuthority() + target.getPath();
    }
}
