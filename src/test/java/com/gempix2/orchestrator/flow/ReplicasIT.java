package com.gempix2.orchestrator.flow;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.simulator.Knobs;
import com.gempix2.orchestrator.testing.ReplicaRig;

/**
 * Three replicas, each its own JVM running the packaged jar, share one database, one broker and one
 * Gempix2 account: together they never exceed the account's limit and never submit a job twice.
 */
class ReplicasIT {

    @Test
    void threeReplicasShareOneBudgetWithoutA1003OrADoubleSubmission() {
        // 10 calls per 3-second window: 30 requests need three windows, so the replicas must share.
        var settings = new ReplicaRig.Settings(3, 10, Duration.ofSeconds(3), Knobs.WindowMode.FIRST_CALL,
                Map.of("GEMPIX2_QUOTA_MARGIN", "200ms"));
        try (ReplicaRig rig = ReplicaRig.start("replicas_it", settings)) {
            String run = UUID.randomUUID().toString().substring(0, 8);
            List<String> ids = IntStream.range(0, 30).mapToObj(i -> "replica-" + run + "-" + i).toList();
            for (int i = 0; i < ids.size(); i++) {
                rig.post(ids.get(i), """
                        {"requestId": "%s", "generationType": "text_to_image", "prompt": "shared %s",
                         "tenant": "tenant-%d"}""".formatted(ids.get(i), ids.get(i), i % 3));
            }

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> ids.stream().allMatch(id -> !rig.results(id).isEmpty()));

            for (String id : ids) {
                assertEquals(1, rig.results(id).size(), "one result for " + id);
                assertEquals("completed", rig.results(id).get(0).json().path("status").asText());
            }
            JsonNode counters = rig.counters();
            assertEquals(0, counters.path("rateLimited").asInt(), "no call was refused with 1003");
            assertEquals(ids.size(), counters.path("calls").path("generate").asInt(), "one submission per request");
            Map<String, Integer> generationsPerRequest = new HashMap<>();
            rig.generations().forEach(g -> generationsPerRequest.merge(g.path("prompt").asText(), 1, Integer::sum));
            ids.forEach(id -> assertEquals(1, generationsPerRequest.getOrDefault("shared " + id, 0),
                    "one generation for " + id));
        }
    }
}
