package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.testing.FreshAccountTest;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.Operator;
import com.gempix2.orchestrator.testing.Simulator;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Under scarcity: high priority first, low last, and one tenant's flood does not hold up another tenant. */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class OrderTest extends FreshAccountTest {

    @Test
    void priorityFirstThenTenantsTakeTurns() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // One call a second: calls go one by one, in the order the jobs are claimed, whatever the concurrency.
        Simulator.knobs(Map.of("rateLimit", 1, "windowSeconds", 1));
        // The first answer teaches the service that window (before it, the configured limit is all it knows).
        assertEquals("completed", awaitResult(send(newId("teach"), "teach-" + run, "normal")).json()
                .path("status").asText());
        Operator.pause();
        List<String> flood = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            flood.add(send(newId("flood"), "flood-" + run, "normal"));
        }
        String low = send(newId("low"), "flood-" + run, "low");
        String single = send(newId("single"), "single-" + run, "normal");
        String urgent = send(newId("urgent"), "urgent-" + run, "high");
        List<String> all = new ArrayList<>(flood);
        all.addAll(List.of(low, single, urgent));
        await().atMost(Duration.ofSeconds(15))
                .until(() -> all.stream().allMatch(id -> "queued".equals(Operator.status(id))));

        Operator.resume();
        all.forEach(id -> assertEquals("completed", awaitResult(id).json().path("status").asText()));
        assertEquals(0, Simulator.counters().path("rateLimited").asInt(), "one call a second, never a 1003");

        List<String> order = all.stream()
                .sorted(Comparator.comparing(id -> Instant.parse(Operator.job(id).path("submittedAt").asText())))
                .toList();
        assertEquals(urgent, order.get(0), "high priority goes first");
        assertTrue(order.indexOf(single) <= 2,
                "the other tenant's single request waits one turn of the flood at most: " + order.indexOf(single));
        assertEquals(low, order.get(order.size() - 1), "low priority goes last");
    }

    private static String send(String id, String tenant, String priority) {
        KafkaTopics.send(id, """
                {"requestId": "%s", "generationType": "text_to_image", "prompt": "order %s",
                 "tenant": "%s", "priority": "%s"}""".formatted(id, id, tenant, priority));
        return id;
    }
}
