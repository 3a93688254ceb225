package com.gempix2.orchestrator.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.simulator.Knobs;
import com.gempix2.orchestrator.testing.ReplicaRig;

/**
 * How well dispatch uses a scarce account whose window it must learn, at accelerated time: the service is
 * configured for the right number of calls but per hour, while the simulator's windows last a minute
 * (aligned to the clock, opened by the first call, or sliding). A backlog far larger than the limit goes
 * through 1 and 3 replicas; the table gives the share of the allowed calls used, the 1003 answers, and how
 * long one high-priority request waits behind the flood. Then a burst: twice the limit queued just before
 * an aligned window's reset, and how much of the new window is used within its first tenth. Not a test (it
 * asserts nothing and takes many minutes): run it with {@code ./mvnw verify -Pbenchmark}.
 */
class QuotaBenchmark {

    private static final int LIMIT = Integer.getInteger("bench.limit", 300);
    private static final Duration WINDOW = Duration.ofSeconds(Long.getLong("bench.window-seconds", 60));
    private static final int WINDOWS = Integer.getInteger("bench.windows", 2);
    private static final int BACKLOG = Integer.getInteger("bench.backlog", 1200);
    private static final int BURST_LIMIT = Integer.getInteger("bench.burst-limit", 30);
    private static final String REPLICAS = System.getProperty("bench.replicas", "1,3");
    private static final String MODES = System.getProperty("bench.modes", "aligned,first-call,sliding");
    private static final Duration MARGIN = Duration.ofMillis(100);
    /** How long every Gempix2 call takes to be answered (a generate call of 3 s, time-scaled: 3 s × window / 1 h). */
    private static final long LATENCY_MILLIS = Long.getLong("bench.latency-millis", 0);

    @Test
    void backlogThroughAScarceAccount() throws IOException {
        List<String> rows = new ArrayList<>();
        rows.add(String.format("%-11s %-8s %-6s %-7s %-24s %-5s %-20s", "window", "replicas", "limit", "window",
                "calls made / allowed", "1003", "high-priority wait"));
        for (String mode : MODES.split(",")) {
            for (String replicas : REPLICAS.split(",")) {
                rows.add(steady(Knobs.WindowMode.valueOf(mode.trim().toUpperCase(Locale.ROOT).replace('-', '_')),
                        Integer.parseInt(replicas.trim())));
                System.out.println(String.join("\n", rows));
            }
        }
        if (Boolean.parseBoolean(System.getProperty("bench.burst", "true"))) {
            rows.add("");
            rows.add(String.format("%-8s %-6s %-44s %-5s", "replicas", "limit",
                    "new window's calls made in its first tenth", "1003"));
            for (String replicas : REPLICAS.split(",")) {
                rows.add(burst(Integer.parseInt(replicas.trim())));
                System.out.println(String.join("\n", rows));
            }
        }
        Path out = Files.createDirectories(Path.of("target", "benchmark")).resolve("quota.txt");
        Files.writeString(out, String.join("\n", rows) + "\n");
        System.out.println("Written to " + out);
    }

    /** The service believes in an hour; the simulator counts over {@code window}. */
    private static ReplicaRig.Settings settings(int replicas, int limit, Knobs.WindowMode mode) {
        return new ReplicaRig.Settings(replicas, limit, WINDOW, mode, Map.of(
                "GEMPIX2_RATE_LIMIT_WINDOW", "1h",
                "GEMPIX2_QUOTA_MARGIN", MARGIN.toMillis() + "ms",
                "GEMPIX2_POLL_FIRST_AFTER", "30s"));
    }

    private String steady(Knobs.WindowMode mode, int replicas) {
        try (ReplicaRig rig = ReplicaRig.start("bench_" + replicas, settings(replicas, LIMIT, mode))) {
            String run = UUID.randomUUID().toString().substring(0, 8);
            if (LATENCY_MILLIS > 0) {
                rig.knobs(Map.of("latencyMillis", LATENCY_MILLIS));
            }
            // The backlog is stored while submissions are paused, so that the measured windows start full.
            rig.pause();
            List<Map.Entry<String, String>> flood = new ArrayList<>();
            for (int i = 0; i < BACKLOG; i++) {
                String id = "flood-" + run + "-" + i;
                flood.add(Map.entry(id, request(id, "flood", "normal")));
            }
            rig.postAll(flood);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> rig.jobsIn("QUEUED") == BACKLOG);
            Instant first = Instant.now();
            if (mode == Knobs.WindowMode.ALIGNED) {
                // Whole windows only: a first window with seconds left would measure the dispatcher, not the budget.
                long windowMillis = WINDOW.toMillis();
                long now = first.toEpochMilli();
                first = Instant.ofEpochMilli(now - Math.floorMod(now, windowMillis) + windowMillis);
                sleepUntil(first);
            }
            rig.resume();

            // Mid-way through the last window, when the budget is spent: one urgent request arrives.
            sleepUntil(first.plus(WINDOW.multipliedBy(2L * WINDOWS - 1).dividedBy(2)));
            String urgent = "urgent-" + run;
            rig.post(urgent, request(urgent, "vip", "high"));

            sleepUntil(first.plus(WINDOW.multipliedBy(WINDOWS)));
            JsonNode counters = rig.counters();
            int made = calls(counters);
            int allowed = LIMIT * windowsAllowed(mode, first, first.plus(WINDOW.multipliedBy(WINDOWS)));

            JsonNode result = await().atMost(WINDOW.multipliedBy(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> rig.results(urgent), list -> !list.isEmpty()).get(0).json();
            Duration wait = Duration.between(Instant.parse(result.path("receivedAt").asText()),
                    Instant.parse(result.path("submittedAt").asText()));
            return String.format("%-11s %-8d %-6d %-7s %-24s %-5d %-20s", mode.name().toLowerCase(Locale.ROOT),
                    replicas, LIMIT, WINDOW.toSeconds() + "s",
                    String.format("%d / %d (%.2f%%)", made, allowed, 100.0 * made / allowed),
                    counters.path("rateLimited").asInt(), wait.toMillis() + " ms");
        }
    }

    /** Twice the limit queued two seconds before an aligned window ends: how soon the next window is used. */
    private String burst(int replicas) {
        try (ReplicaRig rig = ReplicaRig.start("bench_burst_" + replicas,
                settings(replicas, BURST_LIMIT, Knobs.WindowMode.ALIGNED))) {
            String run = UUID.randomUUID().toString().substring(0, 8);
            long windowMillis = WINDOW.toMillis();
            long now = System.currentTimeMillis();
            long reset = now - Math.floorMod(now, windowMillis) + windowMillis;
            if (reset - now < 20_000) {
                reset += windowMillis;
            }
            rig.pause();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 2 * BURST_LIMIT; i++) {
                String id = "burst-" + run + "-" + i;
                ids.add(id);
                rig.post(id, request(id, "burst", "normal"));
            }
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                    .until(() -> rig.jobsIn("QUEUED") == 2L * BURST_LIMIT);
            sleepUntil(Instant.ofEpochMilli(reset - 2000));
            rig.resume();

            Instant newWindow = Instant.ofEpochMilli(reset);
            Instant firstTenth = newWindow.plus(WINDOW.dividedBy(10));
            sleepUntil(firstTenth.plusSeconds(5));
            long inFirstTenth = ids.stream()
                    .map(id -> await().atMost(WINDOW).pollInterval(Duration.ofMillis(200))
                            .until(() -> rig.results(id), list -> !list.isEmpty()).get(0).json())
                    .map(result -> Instant.parse(result.path("submittedAt").asText()))
                    .filter(at -> !at.isBefore(newWindow) && at.isBefore(firstTenth))
                    .count();
            return String.format("%-8d %-6d %-44s %-5d", replicas, BURST_LIMIT,
                    String.format("%d / %d (%.0f%%)", inFirstTenth, BURST_LIMIT, 100.0 * inFirstTenth / BURST_LIMIT),
                    rig.counters().path("rateLimited").asInt());
        }
    }

    /**
     * How many windows' worth of calls the account allows from {@code start} to {@code end}: every aligned window
     * that begins before the end (the first one partly over already); windows opened by the first call, or any
     * window-long stretch of a sliding one, one per window length.
     */
    private static int windowsAllowed(Knobs.WindowMode mode, Instant start, Instant end) {
        long windowMillis = WINDOW.toMillis();
        if (mode == Knobs.WindowMode.ALIGNED) {
            return (int) (Math.floorDiv(end.toEpochMilli() - 1, windowMillis)
                    - Math.floorDiv(start.toEpochMilli(), windowMillis) + 1);
        }
        return (int) ((Duration.between(start, end).toMillis() + windowMillis - 1) / windowMillis);
    }

    private static int calls(JsonNode counters) {
        JsonNode calls = counters.path("calls");
        return calls.path("generate").asInt() + calls.path("status").asInt() + calls.path("upload").asInt();
    }

    static String request(String id, String tenant, String priority) {
        return """
                {"requestId": "%s", "generationType": "text_to_image", "prompt": "bench %s",
                 "tenant": "%s", "priority": "%s"}""".formatted(id, id, tenant, priority);
    }

    static void sleepUntil(Instant when) {
        // A benchmark, not a test: it waits for wall-clock windows to pass.
        Duration left = Duration.between(Instant.now(), when);
        await().atMost(left.isNegative() ? Duration.ofSeconds(5) : left.plusSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !Instant.now().isBefore(when));
    }
}
