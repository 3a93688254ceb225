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

import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.simulator.Knobs;
import com.gempix2.orchestrator.testing.ReplicaRig;

/**
 * How fast one replica submits when the budget is no constraint (an unlimited simulator answering at once),
 * and whether the rate holds with a large backlog: the backlog is written straight into the job table (a
 * million requests would take too long through Kafka), spread over a few tenants, then submissions resume
 * and are counted for {@code bench.dispatch-seconds}. Not a test: run it with {@code ./mvnw verify -Pbenchmark}.
 */
class DispatchBenchmark {

    private static final String BACKLOGS = System.getProperty("bench.dispatch-backlogs", "1000,1000000");
    private static final Duration MEASURED = Duration.ofSeconds(Long.getLong("bench.dispatch-seconds", 20));
    private static final int TENANTS = Integer.getInteger("bench.dispatch-tenants", 10);

    @Test
    void submissionsPerSecondWhateverTheBacklog() throws IOException {
        List<String> rows = new ArrayList<>();
        rows.add(String.format("%-12s %-8s %-14s %-16s", "queued", "tenants", "submissions", "per second"));
        for (String backlog : BACKLOGS.split(",")) {
            rows.add(run(Integer.parseInt(backlog.trim())));
            System.out.println(String.join("\n", rows));
        }
        Path out = Files.createDirectories(Path.of("target", "benchmark")).resolve("dispatch.txt");
        Files.writeString(out, String.join("\n", rows) + "\n");
        System.out.println("Written to " + out);
    }

    private String run(int backlog) {
        var settings = new ReplicaRig.Settings(1, 1_000_000_000, Duration.ofHours(1), Knobs.WindowMode.FIRST_CALL,
                Map.of("GEMPIX2_POLL_FIRST_AFTER", "60s"));
        try (ReplicaRig rig = ReplicaRig.start("bench_dispatch", settings)) {
            rig.knobs(Map.of("pendingMillis", 100, "processingMillis", 400));
            rig.pause();
            rig.execute("""
                    insert into job (request_id, payload_hash, generation_type, prompt, aspect_ratio, priority, tenant,
                                     status, received_at, next_attempt_at)
                    select 'backlog-' || n, md5(n::text), 'text_to_image', 'backlog ' || n, 'auto', 1,
                           'tenant-' || (n %% %d), 'QUEUED', now() - interval '1 hour' + n * interval '1 microsecond',
                           now() - interval '1 hour'
                    from generate_series(1, %d) n""".formatted(TENANTS, backlog));
            rig.execute("analyze job");
            rig.resume();
            // The first second warms the JIT and the connection pool; then the rate is counted.
            int before = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> rig.counters().path("calls").path("generate").asInt(), calls -> calls > 0);
            Instant start = Instant.now();
            QuotaBenchmark.sleepUntil(start.plus(MEASURED));
            int submitted = rig.counters().path("calls").path("generate").asInt() - before;
            double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
            return String.format("%-12d %-8d %-14d %-16.1f", backlog, TENANTS, submitted, submitted / seconds);
        }
    }
}
