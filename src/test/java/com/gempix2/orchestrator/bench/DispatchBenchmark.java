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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.simulator.Knobs;
import com.gempix2.orchestrator.testing.ReplicaRig;

/**
 * How fast one replica submits when the budget is no constraint (an unlimited simulator answering at once),
 * and whether the rate holds with a large backlog. The backlog is written straight into the job table (a
 * million requests would take too long through Kafka), spread over a few tenants, and held at its length
 * while submissions are counted for {@code bench.dispatch-seconds}; a warm-up of the same kind comes first,
 * so that the figure is the replica's steady state, not its JIT compiler's. Not a test: run it with
 * {@code ./mvnw verify -Pbenchmark}.
 */
class DispatchBenchmark {

    private static final String BACKLOGS = System.getProperty("bench.dispatch-backlogs", "1000,1000000");
    private static final Duration MEASURED = Duration.ofSeconds(Long.getLong("bench.dispatch-seconds", 60));
    private static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("bench.dispatch-warmup-seconds", 150));
    private static final int TENANTS = Integer.getInteger("bench.dispatch-tenants", 10);
    /** How long Gempix2 takes to answer each call: 0, or 3000 for a generate call of 3 s. */
    private static final long LATENCY_MILLIS = Long.getLong("bench.dispatch-latency-millis", 0);

    @Test
    void submissionsPerSecondWhateverTheBacklog() throws IOException {
        List<String> rows = new ArrayList<>();
        rows.add("Gempix2 answers each call in " + LATENCY_MILLIS + " ms");
        rows.add(String.format("%-12s %-8s %-14s %-12s %s", "queued", "tenants", "submissions", "per second", "CPU"));
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
        try (ReplicaRig rig = ReplicaRig.start("bench_dispatch", settings);
                Backlog queue = new Backlog(rig, backlog)) {
            rig.knobs(Map.of("pendingMillis", 100, "processingMillis", 400, "latencyMillis", LATENCY_MILLIS));
            rig.pause();
            queue.fill(backlog);
            rig.execute("analyze job");
            rig.resume();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> submitted(rig) > 0);
            queue.hold();
            QuotaBenchmark.sleepUntil(Instant.now().plus(WARM_UP));
            int before = submitted(rig);
            Instant start = Instant.now();
            CpuMeter cpu = CpuMeter.start(rig.replicas());
            QuotaBenchmark.sleepUntil(start.plus(MEASURED));
            int count = submitted(rig) - before;
            double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
            return String.format("%-12d %-8d %-14d %-12.1f %s", backlog, TENANTS, count, count / seconds, cpu.cores());
        }
    }

    private static int submitted(ReplicaRig rig) {
        return rig.counters().path("calls").path("generate").asInt();
    }

    /** The queued jobs of one run, topped up every 200 ms to the length the run is about. */
    private static final class Backlog implements AutoCloseable {

        private static final int HELD_UP_TO = 100_000;

        private final ReplicaRig rig;
        private final int length;
        private final AtomicLong written = new AtomicLong();
        private final ScheduledExecutorService topUp = Executors.newSingleThreadScheduledExecutor();

        Backlog(ReplicaRig rig, int length) {
            this.rig = rig;
            this.length = length;
        }

        void fill(int jobs) {
            long from = written.getAndAdd(jobs);
            rig.execute("""
                    insert into job (request_id, payload_hash, generation_type, prompt, aspect_ratio, priority, tenant,
                                     status, received_at, next_attempt_at)
                    select 'backlog-' || n, md5(n::text), 'text_to_image', 'backlog ' || n, 'auto', 1,
                           'tenant-' || (n %% %d), 'QUEUED', now() - interval '1 hour' + n * interval '1 microsecond',
                           now() - interval '1 hour'
                    from generate_series(%d, %d) n""".formatted(TENANTS, from + 1, from + jobs));
        }

        void hold() {
            if (length > HELD_UP_TO) {
                // A run submits a few percent of a backlog this long, and counting it every 200 ms would load the database.
                return;
            }
            topUp.scheduleWithFixedDelay(() -> {
                long missing = length - rig.jobsIn("QUEUED");
                if (missing > 0) {
                    fill((int) missing);
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            topUp.shutdownNow();
        }
    }
}
