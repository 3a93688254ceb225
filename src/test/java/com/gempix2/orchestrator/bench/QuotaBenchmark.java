package com.gempix2.orchestrator.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.testing.ReplicaRig;

/**
 * How well dispatch uses a scarce account, at accelerated time: a backlog far larger than the limit,
 * 600 calls a minute, with 1 and with 3 replicas. Prints the share of the allowed calls used, the 1003
 * answers, and how long one high-priority request waits behind the flood. Not a test (it asserts
 * nothing and takes minutes): run it with {@code ./mvnw verify -Pbenchmark}.
 */
class QuotaBenchmark {

    private static final int LIMIT = Integer.getInteger("bench.limit", 600);
    private static final Duration WINDOW = Duration.ofSeconds(Long.getLong("bench.window-seconds", 60));
    private static final int WINDOWS = Integer.getInteger("bench.windows", 3);
    private static final int BACKLOG = Integer.getInteger("bench.backlog", 2200);
    private static final String REPLICAS = System.getProperty("bench.replicas", "1,3");
    private static final Duration MARGIN = Duration.ofMillis(100);

    @Test
    void backlogThroughAScarceAccount() throws IOException {
        List<String> rows = new ArrayList<>();
        rows.add(String.format("%-8s %-6s %-7s %-8s %-24s %-5s %-20s %-20s", "replicas", "limit", "window", "windows",
                "calls made / allowed", "1003", "high-priority wait", "next free permit"));
        for (String replicas : REPLICAS.split(",")) {
            rows.add(run(Integer.parseInt(replicas.trim())));
            System.out.println(String.join("\n", rows));
        }
        Path out = Files.createDirectories(Path.of("target", "benchmark")).resolve("quota.txt");
        Files.writeString(out, String.join("\n", rows) + "\n");
        System.out.println("Written to " + out);
    }

    private String run(int replicas) {
        var settings = new ReplicaRig.Settings(replicas, LIMIT, WINDOW, true,
                Map.of("GEMPIX2_QUOTA_MARGIN", MARGIN.toMillis() + "ms", "GEMPIX2_POLL_FIRST_AFTER", "30s"));
        try (ReplicaRig rig = ReplicaRig.start("bench_" + replicas, settings)) {
            String run = UUID.randomUUID().toString().substring(0, 8);
            // The backlog is stored while submissions are paused, so that the measured windows start full.
            rig.pause();
            for (int i = 0; i < BACKLOG; i++) {
                String id = "flood-" + run + "-" + i;
                rig.post(id, request(id, "flood", "normal"));
            }
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> rig.jobsIn("QUEUED") == BACKLOG);
            Instant first = Instant.now();
            rig.resume();

            // Mid-way through the second window, when the budget is spent: one urgent request arrives.
            Instant posted = first.plus(WINDOW.multipliedBy(3).dividedBy(2));
            sleepUntil(posted);
            String urgent = "urgent-" + run;
            rig.post(urgent, request(urgent, "vip", "high"));
            // The first permit of the second window frees one window (and the margin) after the first call.
            Duration floor = Duration.between(posted, first.plus(WINDOW.multipliedBy(2)).plus(MARGIN));

            Instant end = first.plus(WINDOW.multipliedBy(WINDOWS));
            sleepUntil(end);
            JsonNode counters = rig.counters();
            JsonNode calls = counters.path("calls");
            int made = calls.path("generate").asInt() + calls.path("status").asInt() + calls.path("upload").asInt();
            int allowed = LIMIT * WINDOWS;

            JsonNode result = await().atMost(WINDOW.multipliedBy(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> rig.results(urgent), list -> !list.isEmpty()).get(0).json();
            Duration wait = Duration.between(Instant.parse(result.path("receivedAt").asText()),
                    Instant.parse(result.path("submittedAt").asText()));
            return String.format("%-8d %-6d %-7s %-8d %-24s %-5d %-20s %-20s", replicas, LIMIT, WINDOW.toSeconds() + "s",
                    WINDOWS, String.format("%d / %d (%.2f%%)", made, allowed, 100.0 * made / allowed),
                    counters.path("rateLimited").asInt(), wait.toMillis() + " ms", "in " + floor.toMillis() + " ms");
        }
    }

    private static String request(String id, String tenant, String priority) {
        return """
                {"requestId": "%s", "generationType": "text_to_image", "prompt": "bench %s",
                 "tenant": "%s", "priority": "%s"}""".formatted(id, id, tenant, priority);
    }

    private static void sleepUntil(Instant when) {
        // A benchmark, not a test: it waits for wall-clock windows to pass.
        await().atMost(Duration.between(Instant.now(), when).plusSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> !Instant.now().isBefore(when));
    }
}
