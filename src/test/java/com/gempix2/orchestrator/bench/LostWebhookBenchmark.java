package com.gempix2.orchestrator.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gempix2.orchestrator.simulator.Knobs;
import com.gempix2.orchestrator.testing.ReplicaRig;

/**
 * How fast the fallback finds the outcome of a generation whose webhook never comes, and what it costs, with
 * generations of 3 s and of 60 s: first with webhooks working (the service learns the generation times and
 * should not poll), then with every webhook lost. Beside it, the naive client of the reference's best
 * practices (submit, then poll every 5 s) on the same simulator. Time to result is measured from the end of
 * the generation (its creation in the simulator plus its duration) to the result record (or the naive
 * client's answer). Not a test: run it with {@code ./mvnw verify -Pbenchmark}.
 */
class LostWebhookBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String DURATIONS = System.getProperty("bench.generation-seconds", "3,60");
    private static final int JOBS = Integer.getInteger("bench.lost-jobs", 20);
    private static final Duration NAIVE_INTERVAL = Duration.ofSeconds(5);

    private record Row(String generation, String webhooks, String client, double callsPerImage, double pollsPerJob,
            Duration median, Duration p90) {

        String format() {
            return String.format("%-10s %-9s %-22s %-15.2f %-13.2f %-14s %-10s", generation, webhooks, client,
                    callsPerImage, pollsPerJob, seconds(median), seconds(p90));
        }
    }

    @Test
    void lostWebhooksAgainstTheNaiveClient() throws IOException {
        List<String> rows = new ArrayList<>();
        rows.add(String.format("%-10s %-9s %-22s %-15s %-13s %-14s %-10s", "generation", "webhooks", "client",
                "calls/image", "polls/job", "median", "p90"));
        for (String seconds : DURATIONS.split(",")) {
            Duration generation = Duration.ofSeconds(Long.parseLong(seconds.trim()));
            run(generation).forEach(row -> rows.add(row.format()));
            System.out.println(String.join("\n", rows));
        }
        Path out = Files.createDirectories(Path.of("target", "benchmark")).resolve("lost-webhooks.txt");
        Files.writeString(out, String.join("\n", rows) + "\n");
        System.out.println("Written to " + out);
    }

    private List<Row> run(Duration generation) {
        var settings = new ReplicaRig.Settings(1, 100_000, Duration.ofHours(1), Knobs.WindowMode.FIRST_CALL, Map.of());
        try (ReplicaRig rig = ReplicaRig.start("bench_lost", settings)) {
            rig.knobs(Map.of("pendingMillis", 0, "processingMillis", generation.toMillis(), "webhookDropRatio", 0.0));
            // Spread over a tenth of a generation each, as requests come in production, not all at once.
            Duration spacing = generation.dividedBy(10);
            List<Row> rows = new ArrayList<>();
            rows.add(service(rig, generation, spacing, "working"));
            rig.knobs(Map.of("webhookDropRatio", 1.0));
            CompletableFuture<Row> naive = CompletableFuture.supplyAsync(() -> naive(rig, generation, spacing));
            rows.add(service(rig, generation, spacing, "all lost"));
            rows.add(naive.join());
            return rows;
        }
    }

    private Row service(ReplicaRig rig, Duration generation, Duration spacing, String webhooks) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            String id = "lost-" + run + "-" + i;
            ids.add(id);
            rig.post(id, QuotaBenchmark.request(id, "bench", "normal"));
            QuotaBenchmark.sleepUntil(Instant.now().plus(spacing));
        }
        List<JsonNode> results = ids.stream().map(id -> await().atMost(generation.multipliedBy(3).plusMinutes(3))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> rig.results(id), list -> !list.isEmpty()).get(0).json()).toList();
        Map<String, Instant> ends = generationEnds(rig, generation);
        JsonNode counters = rig.counters();
        List<Duration> late = new ArrayList<>();
        int polls = 0;
        for (JsonNode result : results) {
            String uuid = result.path("uuid").asText();
            late.add(Duration.between(ends.get(uuid), Instant.parse(result.path("finishedAt").asText())));
            polls += counters.path("pollsByUuid").path(uuid).asInt();
        }
        // The service's own polls, by uuid: the naive client polls the same simulator meanwhile.
        return new Row(seconds(generation), webhooks, "service", 1 + (double) polls / JOBS, (double) polls / JOBS,
                quantile(late, 0.5), quantile(late, 0.9));
    }

    /** Submit, then poll every 5 s until the generation is over, as the reference's best practices say. */
    private Row naive(ReplicaRig rig, Duration generation, Duration spacing) {
        HttpClient http = HttpClient.newHttpClient();
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(4);
        try {
            List<CompletableFuture<long[]>> clients = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                clients.add(naiveClient(http, timer, rig.simulatorApiUrl(), "naive " + UUID.randomUUID(), generation));
                QuotaBenchmark.sleepUntil(Instant.now().plus(spacing));
            }
            List<Duration> late = new ArrayList<>();
            long calls = 0;
            for (CompletableFuture<long[]> client : clients) {
                long[] outcome = client.join();
                calls += outcome[0];
                late.add(Duration.ofMillis(outcome[1]));
            }
            return new Row(seconds(generation), "all lost", "naive (poll every 5 s)", (double) calls / JOBS,
                    (double) (calls - JOBS) / JOBS, quantile(late, 0.5), quantile(late, 0.9));
        } finally {
            timer.shutdownNow();
        }
    }

    /** One naive client: calls made, and milliseconds from the generation's end to the answer that said it was over. */
    private static CompletableFuture<long[]> naiveClient(HttpClient http, ScheduledExecutorService timer, String api,
            String prompt, Duration generation) {
        JsonNode created = send(http, HttpRequest.newBuilder(URI.create(api + "/generate-image"))
                .POST(HttpRequest.BodyPublishers.ofString(MAPPER.createObjectNode()
                        .put("generationType", "text_to_image").put("prompt", prompt).toString())));
        String uuid = created.path("data").path("uuid").asText();
        Instant end = Instant.parse(created.path("data").path("createdAt").asText()).plus(generation);
        CompletableFuture<long[]> over = new CompletableFuture<>();
        pollLater(http, timer, api, uuid, end, 1, over);
        return over;
    }

    private static void pollLater(HttpClient http, ScheduledExecutorService timer, String api, String uuid,
            Instant end, long calls, CompletableFuture<long[]> over) {
        timer.schedule(() -> {
            try {
                JsonNode status = send(http, HttpRequest.newBuilder(URI.create(api + "/image-status/" + uuid)).GET());
                String state = status.path("data").path("status").asText();
                if (state.equals("completed") || state.equals("failed")) {
                    over.complete(new long[]{calls + 1, Duration.between(end, Instant.now()).toMillis()});
                } else {
                    pollLater(http, timer, api, uuid, end, calls + 1, over);
                }
            } catch (RuntimeException e) {
                over.completeExceptionally(e);
            }
        }, NAIVE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static JsonNode send(HttpClient http, HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.header("Authorization", "Bearer sim-key")
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("the naive client's call failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the naive client was interrupted", e);
        }
    }

    /** When each generation of the simulator ended: its creation plus its duration (it has no pending phase). */
    private static Map<String, Instant> generationEnds(ReplicaRig rig, Duration generation) {
        Map<String, Instant> ends = new HashMap<>();
        rig.generations().forEach(g -> ends.put(g.path("uuid").asText(),
                Instant.parse(g.path("createdAt").asText()).plus(generation)));
        return ends;
    }

    private static Duration quantile(List<Duration> values, double q) {
        List<Duration> sorted = values.stream().sorted().toList();
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())));
    }

    private static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }
}
