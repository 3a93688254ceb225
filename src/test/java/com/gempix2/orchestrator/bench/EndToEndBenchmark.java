package com.gempix2.orchestrator.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.simulator.Knobs;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.ReplicaRig;

/**
 * {@code bench.e2e-requests} requests (100,000) through one replica end to end, against an unlimited simulator
 * whose generations take half a second and whose webhooks work: every request must get exactly one result
 * and Gempix2 exactly one generation per request. Reports the time, the rate and the CPU of each process. Not a
 * test: run it with {@code ./mvnw verify -Pbenchmark -Dit.test=EndToEndBenchmark}.
 */
class EndToEndBenchmark {

    private static final int REQUESTS = Integer.getInteger("bench.e2e-requests", 100_000);
    private static final int CHUNK = 10_000;
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"(\\w+)\"");

    @Test
    void everyRequestGetsExactlyOneResult() throws IOException {
        String name = "bench_e2e_" + Long.toHexString(System.nanoTime());
        var settings = new ReplicaRig.Settings(1, 1_000_000_000, Duration.ofHours(1), Knobs.WindowMode.FIRST_CALL,
                Map.of());
        Map<String, Integer> resultsPerKey = new HashMap<>();
        Map<String, Integer> statuses = new TreeMap<>();
        AtomicInteger received = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        try (ReplicaRig rig = ReplicaRig.start(name, settings)) {
            rig.knobs(Map.of("pendingMillis", 100, "processingMillis", 400));
            Thread reader = new Thread(() -> readResults(name + "-results", resultsPerKey, statuses, received, done),
                    "bench-results");
            reader.start();
            Instant start = Instant.now();
            CpuMeter cpu = CpuMeter.start(rig.replicas());
            Set<String> ids = new java.util.HashSet<>();
            for (int from = 0; from < REQUESTS; from += CHUNK) {
                List<Map.Entry<String, String>> chunk = new ArrayList<>();
                for (int i = from; i < Math.min(REQUESTS, from + CHUNK); i++) {
                    String id = "e2e-" + i + "-" + UUID.randomUUID();
                    ids.add(id);
                    chunk.add(Map.entry(id, """
                            {"requestId": "%s", "generationType": "text_to_image", "prompt": "e2e %d",
                             "tenant": "tenant-%d"}""".formatted(id, i, i % 10)));
                }
                rig.postAll(chunk);
            }
            Duration posted = Duration.between(start, Instant.now());
            await().atMost(Duration.ofSeconds(Math.max(600, REQUESTS / 20))).pollInterval(Duration.ofSeconds(5))
                    .until(() -> {
                        System.out.printf("%s: %d results%n", Duration.between(start, Instant.now()), received.get());
                        return received.get() >= REQUESTS;
                    });
            Duration total = Duration.between(start, Instant.now());
            String cores = cpu.cores();
            // A while longer: a result published twice would show up now.
            QuotaBenchmark.sleepUntil(Instant.now().plusSeconds(10));
            done.set(true);
            try {
                reader.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long missing = ids.stream().filter(id -> !resultsPerKey.containsKey(id)).count();
            long doubled;
            synchronized (resultsPerKey) {
                doubled = resultsPerKey.values().stream().filter(count -> count > 1).count();
            }
            long generations = rig.counters().path("generationsCreated").asLong();
            String table = String.format("%-10s %-10s %-10s %-10s %-8s %-8s %-12s %-28s %s%n", "requests", "posted s",
                    "total s", "results/s", "missing", "doubled", "generations", "statuses", "CPU")
                    + String.format("%-10d %-10.1f %-10.1f %-10.1f %-8d %-8d %-12d %-28s %s%n", REQUESTS,
                            posted.toMillis() / 1000.0, total.toMillis() / 1000.0,
                            REQUESTS / (total.toMillis() / 1000.0), missing, doubled, generations, statuses, cores);
            System.out.print(table);
            Path out = Files.createDirectories(Path.of("target", "benchmark")).resolve("end-to-end.txt");
            Files.writeString(out, table);
            System.out.println("Written to " + out);
            assertEquals(0, missing, "every request has its result");
            assertEquals(0, doubled, "no request has two");
            assertEquals(REQUESTS, generations, "one generation per request");
        }
    }

    private static void readResults(String topic, Map<String, Integer> perKey, Map<String, Integer> statuses,
            AtomicInteger received, AtomicBoolean done) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-e2e-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (!done.get()) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    synchronized (perKey) {
                        if (perKey.merge(record.key(), 1, Integer::sum) == 1) {
                            received.incrementAndGet();
                        }
                        Matcher status = STATUS.matcher(record.value());
                        statuses.merge(status.find() ? status.group(1) : "?", 1, Integer::sum);
                    }
                }
            }
        }
    }
}
