package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.assertExactlyOneResult;
import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static com.gempix2.orchestrator.flow.Requests.post;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.testing.FreshAccountTest;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.KafkaTopics.Received;
import com.gempix2.orchestrator.testing.MutableClock;
import com.gempix2.orchestrator.testing.Operator;
import com.gempix2.orchestrator.testing.Simulator;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/** Deadlines and cancel messages end jobs without spending calls where none was made yet. */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class CancelAndDeadlineTest extends FreshAccountTest {

    @Inject
    MutableClock clock;

    @Inject
    MeterRegistry registry;

    @Test
    void deadlinePassedBeforeSubmissionExpiresWithoutACall() {
        Operator.pause();
        String id = newId("deadline");
        Instant deadline = clock.instant().plus(Duration.ofMinutes(5));
        KafkaTopics.send(id, """
                {"requestId": "%s", "generationType": "text_to_image", "prompt": "too late %s",
                 "deadline": "%s"}""".formatted(id, id, deadline));
        await().atMost(Duration.ofSeconds(10)).until(() -> "queued".equals(Operator.status(id)));

        clock.advance(Duration.ofMinutes(6));

        JsonNode result = awaitResult(id).json();
        assertEquals("expired", result.path("status").asText());
        assertEquals(9001, result.path("error").path("code").asInt());
        assertTrue(result.path("uuid").isNull());
        Operator.resume();
        assertEquals(0, Simulator.generationsWith(id).size());
    }

    @Test
    void cancelBeforeSubmissionSpendsNoCall() {
        Operator.pause();
        String id = post(newId("cancel-queued"), "not wanted");
        await().atMost(Duration.ofSeconds(10)).until(() -> "queued".equals(Operator.status(id)));

        KafkaTopics.cancel(id);

        Received result = awaitResult(id);
        assertEquals("cancelled", result.json().path("status").asText());
        assertEquals(9003, result.json().path("error").path("code").asInt());
        assertEquals("gempix2.image.cancelled", result.headers().get("ce_type"));
        Operator.resume();
        assertExactlyOneResult(id);
        assertEquals(0, Simulator.generationsWith(id).size());
    }

    @Test
    void cancelWhileInFlightPublishesTheOutcomeAsCancelled() {
        Simulator.knobs(Map.of("processingMillis", 2000));
        String id = post(newId("cancel-running"), "changed my mind");
        await().atMost(Duration.ofSeconds(10)).until(() -> "submitted".equals(Operator.status(id)));

        KafkaTopics.cancel(id);

        JsonNode result = awaitResult(id).json();
        assertEquals("cancelled", result.path("status").asText());
        assertEquals(9003, result.path("error").path("code").asInt());
        assertTrue(result.path("error").path("message").asText().contains("completed"),
                "says what Gempix2 did: " + result.path("error"));
        assertEquals(Simulator.generationsWith(id).get(0).path("uuid").asText(), result.path("uuid").asText());
        assertExactlyOneResult(id);
    }

    @Test
    void cancelThatOvertakesItsRequestCancelsItOnArrival() {
        String id = newId("cancel-early");
        KafkaTopics.cancel(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> cancellations("cancelled-in-advance") >= 1);

        post(id, "arrives after its cancel");

        assertEquals("cancelled", awaitResult(id).json().path("status").asText());
        assertExactlyOneResult(id);
        assertEquals(0, Simulator.generationsWith(id).size());
    }

    @Test
    void unreadableCancelIsDeadLettered() {
        String marker = newId("bad-cancel");
        KafkaTopics.send(KafkaTopics.CANCELLATIONS, "k", ("{\"request\": \"" + marker + "\"}")
                .getBytes(StandardCharsets.UTF_8));

        Received dead = Requests.awaitDeadLetter(marker).get(0);
        assertTrue(dead.headers().get("dead-letter-reason").startsWith("requestId"));
        assertEquals(KafkaTopics.CANCELLATIONS, dead.headers().get("dead-letter-topic"));
    }

    private double cancellations(String outcome) {
        return registry.find("gempix2.cancellations").tag("outcome", outcome).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
