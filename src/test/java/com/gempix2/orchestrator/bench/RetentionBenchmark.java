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
 * How fast a replica purges a million finished jobs (and their million sent result events), and whether intake
 * and dispatch keep their pace meanwhile. The old jobs are written straight into the tables, 40 days old; then a
 * burst of requests goes through before the purge starts ({@code gempix2.retention.first-after}) and another
 * while it runs, each timed from the first request sent to the last one completed. Not a test: run it with
 * {@code ./mvnw verify -Pbenchmark -Dit.test=RetentionBenchmark}.
 */
class RetentionBenchmark {

    private static final int OLD_JOBS = Integer.getInteger("bench.retention-jobs", 1_000_000);
    private static final int BURST = Integer.getInteger("bench.retention-burst", 3_000);
    private static final Duration FIRST_PURGE_AFTER = Duration.ofSeconds(Long.getLong("bench.retention-after", 240));

    @Test
    void purgeRateAndWhatItCostsTheRest() throws IOException {
        String name = "bench_retention_" + Long.toHexString(System.nanoTime());
        var settings = new ReplicaRig.Settings(1, 10_000_000, Duration.ofHours(1), Knobs.WindowMode.FIRST_CALL,
                Map.of("GEMPIX2_RETENTION_FIRST_AFTER", FIRST_PURGE_AFTER.toSeconds() + "s",
                        "GEMPIX2_RETENTION_INTERVAL", "5s"));
        try (ReplicaRig rig = ReplicaRig.start(name, settings)) {
            Instant started = Instant.now();
            rig.execute("""
                    insert into job (request_id, payload_hash, generation_type, prompt, aspect_ratio, priority, tenant,
                        metadata, status, uuid, attempts, received_at, submitted_at, finished_at, result_image_url,
                        completed_via)
                    select 'old-' || g, md5(g::text) || md5(g::text), 'text_to_image', 'an old prompt ' || g, '16:9',
                        1, 'tenant-' || (g %% 10), '{}', 'COMPLETED', 'old-uuid-' || g, 1, now() - interval '40 days',
                        now() - interval '40 days', now() - interval '40 days', 'https://img.example/' || g || '.png',
                        'WEBHOOK'
                    from generate_series(1, %d) g""".formatted(OLD_JOBS));
            rig.execute("""
                    insert into outbox_event (request_id, record_key, ce_id, ce_type, payload, created_at, sent_at)
                    select 'old-' || g, 'old-' || g, 'old-' || g || ':completed', 'gempix2.image.completed',
                        '{"requestId":"old-' || g || '","status":"completed"}', now() - interval '40 days',
                        now() - interval '40 days'
                    from generate_series(1, %d) g""".formatted(OLD_JOBS));
            rig.execute("analyze");
            System.out.printf("Seeded %,d old jobs and result events in %d s%n", OLD_JOBS,
                    Duration.between(started, Instant.now()).toSeconds());
            long oldJobs = oldJobs(rig);

            Phase quiet = burst(rig, "quiet");
            if (oldJobs(rig) < oldJobs) {
                throw new IllegalStateException("the purge began during the quiet burst: raise bench.retention-after");
            }
            // The purge starts at its first pass; the second burst goes while it runs.
            Instant purgeSeen = await().atMost(FIRST_PURGE_AFTER.plusMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> oldJobs(rig) < oldJobs ? Instant.now() : null, at -> at != null);
            CpuMeter purgeCpu = CpuMeter.start(rig.replicas());
            Phase purging = burst(rig, "purging");
            long leftAfterBurst = oldJobs(rig);
            await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> rig.count("select count(*) from outbox_event where request_id like 'old-%'") == 0
                            && oldJobs(rig) == 0);
            double purgeSeconds = Duration.between(purgeSeen, Instant.now()).toMillis() / 1000.0;
            String cpu = purgeCpu.cores();

            StringBuilder table = new StringBuilder();
            table.append(String.format("%-28s %-10s %-10s %-12s %s%n", "burst of " + BURST, "seconds", "finished/s",
                    "old jobs left", "CPU"));
            table.append(quiet.row(oldJobs)).append(purging.row(leftAfterBurst));
            table.append(String.format("%npurge: %,d jobs and %,d result events in %.1f s: %.0f jobs/s (with their "
                    + "result events); CPU over the purge: %s%n", OLD_JOBS, OLD_JOBS, purgeSeconds,
                    OLD_JOBS / purgeSeconds, cpu));
            table.append(String.format("retired requestIds kept: %,d%n",
                    rig.count("select count(*) from retired_request")));
            System.out.print(table);
            Path out = Files.createDirectories(Path.of("target", "benchmark")).resolve("retention.txt");
            Files.writeString(out, table);
            System.out.println("Written to " + out);
        }
    }

    private static long oldJobs(ReplicaRig rig) {
        return rig.count("select count(*) from job where request_id like 'old-%'");
    }

    /** Sends {@link #BURST} requests and waits for all of them to complete. */
    private static Phase burst(ReplicaRig rig, String label) {
        List<Map.Entry<String, String>> requests = new ArrayList<>();
        String prefix = label + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        for (int i = 0; i < BURST; i++) {
            String id = prefix + i;
            requests.add(Map.entry(id, """
                    {"requestId": "%s", "generationType": "text_to_image", "prompt": "retention %d",
                     "tenant": "tenant-%d"}""".formatted(id, i, i % 10)));
        }
        CpuMeter cpu = CpuMeter.start(rig.replicas());
        Instant start = Instant.now();
        rig.postAll(requests);
        String done = "select count(*) from job where request_id like '" + prefix + "%' and status = 'COMPLETED'";
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> rig.count(done) == BURST);
        return new Phase(label, Duration.between(start, Instant.now()).toMillis() / 1000.0, cpu.cores());
    }

    private record Phase(String label, double seconds, String cpu) {

        String row(long oldJobsLeft) {
            return String.format("%-28s %-10.1f %-10.0f %-12d %s%n", label, seconds, BURST / seconds, oldJobsLeft, cpu);
        }
    }
}
