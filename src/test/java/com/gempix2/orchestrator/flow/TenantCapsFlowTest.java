package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.testing.FreshAccountTest;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.Operator;
import com.gempix2.orchestrator.testing.Simulator;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/** One tenant cannot take more than its share: the test profile caps queued (60) and in-flight (25) jobs. */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class TenantCapsFlowTest extends FreshAccountTest {

    @Inject
    EntityManager em;

    @Test
    void aTenantPastItsQueuedCapIsRejectedWith9006() {
        String tenant = "crowd-" + UUID.randomUUID();
        Operator.pause();
        List<String> ids = IntStream.range(0, 65).mapToObj(i -> newId("crowd")).toList();
        KafkaTopics.sendAll("gempix2-requests",
                ids.stream().<Map.Entry<String, String>>map(id -> Map.entry(id, request(id, tenant))).toList());

        List<JsonNode> rejected = ids.stream()
                .map(id -> await().atMost(Duration.ofSeconds(30)).until(() -> resultOrQueued(id), r -> r != null))
                .filter(r -> !r.isMissingNode()).toList();
        assertEquals(5, rejected.size(), "sixty queued, five refused");
        rejected.forEach(result -> {
            assertEquals("rejected", result.path("status").asText());
            assertEquals(9006, result.path("error").path("code").asInt());
            assertTrue(result.path("error").path("message").asText().startsWith("tenant:"), result.toString());
        });
        // The sixty queued ones go once submissions resume (and leave nothing behind for the next test).
        Operator.resume();
        ids.forEach(id -> assertTrue(List.of("completed", "rejected").contains(awaitResult(id).json()
                .path("status").asText()), id));
        assertEquals(60, ids.stream().filter(id -> "completed".equals(awaitResult(id).json().path("status").asText()))
                .count());
    }

    @Test
    void aTenantHasNoMoreJobsInFlightThanItsCap() {
        String tenant = "wide-" + UUID.randomUUID();
        Simulator.knobs(Map.of("processingMillis", 2000));
        List<String> ids = IntStream.range(0, 40).mapToObj(i -> newId("wide")).toList();
        KafkaTopics.sendAll("gempix2-requests",
                ids.stream().<Map.Entry<String, String>>map(id -> Map.entry(id, request(id, tenant))).toList());

        AtomicLong most = new AtomicLong();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            most.accumulateAndGet(inFlight(tenant), Math::max);
            return ids.stream().allMatch(id -> !KafkaTopics.results(id).isEmpty());
        });
        ids.forEach(id -> assertEquals("completed", awaitResult(id).json().path("status").asText()));
        assertTrue(most.get() <= 25, "at most 25 in flight at once, saw " + most.get());
        assertTrue(most.get() >= 20, "the cap, not something else, held them back: " + most.get());
    }

    /** The request's result, a missing node while it waits in the queue, or null before either is known. */
    private static JsonNode resultOrQueued(String id) {
        List<KafkaTopics.Received> results = KafkaTopics.results(id);
        if (!results.isEmpty()) {
            return results.get(0).json();
        }
        return "queued".equals(Operator.status(id)) ? Operator.job(id).path("no-result") : null;
    }

    private long inFlight(String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from job where tenant = ?1 and status in ('SUBMITTING', 'SUBMITTED')")
                .setParameter(1, tenant).getSingleResult()).longValue());
    }

    private static String request(String id, String tenant) {
        return """
                {"requestId": "%s", "generationType": "text_to_image", "prompt": "caps %s", "tenant": "%s"}"""
                .formatted(id, id, tenant);
    }
}
