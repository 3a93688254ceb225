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

import com.gempix2.orchestrator.simulator.Knobs;
import com.gempix2.orchestrator.testing.ReplicaRig;

/**
 * How fast one replica stores requests: {@code bench.intake-requests} valid requests wait on the requests topic
 * before the replica starts, and the time from the first job stored to the last gives the rate. The account
 * allows one call an hour, so that intake runs alone. Not a test: run it with {@code ./mvnw verify -Pbenchmark}.
 */
class IntakeBenchmark {

    private static final int REQUESTS = Integer.getInteger("bench.intake-requests", 50_000);

    @Test
    void requestsStoredPerSecond() throws IOException {
        String name = "bench_intake_" + Long.toHexString(System.nanoTime());
        List<Map.Entry<String, String>> backlog = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String id = "intake-" + i + "-" + UUID.randomUUID();
            backlog.add(Map.entry(id, """
                    {"requestId": "%s", "generationType": "text_to_image", "prompt": "intake %d",
                     "tenant": "tenant-%d", "metadata": {"order": %d}}""".formatted(id, i, i % 10, i)));
        }
        ReplicaRig.queueBefore(name, backlog);
        var settings = new ReplicaRig.Settings(1, 1, Duration.ofHours(1), Knobs.WindowMode.FIRST_CALL, Map.of());
        try (ReplicaRig rig = ReplicaRig.start(name, settings)) {
            Instant first = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> rig.jobCount() > 0 ? Instant.now() : null, at -> at != null);
            long storedAtFirst = rig.jobCount();
            CpuMeter cpu = CpuMeter.start(rig.replicas());
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> rig.jobCount() >= REQUESTS);
            double seconds = Duration.between(first, Instant.now()).toMillis() / 1000.0;
            String row = String.format("%-10s %-10d %-10.1f %-10.0f %s", "1", REQUESTS, seconds,
                    (REQUESTS - storedAtFirst) / seconds, cpu.cores());
            String table = String.format("%-10s %-10s %-10s %-10s %s", "replicas", "requests", "seconds", "stored/s",
                    "CPU")
                    + "\n" + row + "\n";
            System.out.print(table);
            Path out = Files.createDirectories(Path.of("target", "benchmark")).resolve("intake.txt");
            Files.writeString(out, table);
            System.out.println("Written to " + out);
        }
    }
}
