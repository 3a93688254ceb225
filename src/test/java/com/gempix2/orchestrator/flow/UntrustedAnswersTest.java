package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.assertExactlyOneResult;
import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static com.gempix2.orchestrator.flow.Requests.post;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.testing.FreshAccountTest;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.Simulator;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/** Gempix2's answers are checked before anything of them is stored or published. */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class UntrustedAnswersTest extends FreshAccountTest {

    @Inject
    MeterRegistry registry;

    @Test
    void aUuidTooLongToStoreIsAnUnknownOutcomeNotACommitThatFails() {
        double before = refused("uuid");
        Simulator.fault("generate", 0, 200, 1, "long-uuid");
        String id = post(newId("long-uuid"), "answered with a uuid of 300 characters");

        JsonNode result = awaitResult(id).json();
        // The configured policy (resubmit) decides once, with one of the job's attempts; no loop.
        assertEquals("completed", result.path("status").asText(), result.toString());
        assertEquals(2, result.path("attempts").asInt());
        assertEquals(2, Simulator.calls("generate"));
        assertEquals(before + 1, refused("uuid"));
        assertExactlyOneResult(id);
    }

    @Test
    void anOversizedAnswerIsNotReadAndCountsAsAFailedCall() {
        Simulator.fault("generate", 0, 200, 1, "oversized");
        String id = post(newId("oversized"), "answered with 100 KB of padding");

        JsonNode result = awaitResult(id).json();
        assertEquals("completed", result.path("status").asText(), result.toString());
        assertEquals(2, result.path("attempts").asInt(), "the oversized answer was a failed attempt");
        assertEquals(2, Simulator.calls("generate"));
    }

    @Test
    void aPolledImageUrlThatBreaksTheRulesIsNeverPublished() {
        double before = refused("imageUrl");
        // No webhook: the outcome comes by poll, and the first two polls name a file: URL.
        Simulator.knobs(Map.of("webhookDropRatio", 1.0));
        Simulator.fault("status", 0, 200, 2, "bad-image-url");
        String id = post(newId("bad-image-url"), "polled with an untrusted imageUrl");

        JsonNode result = await().atMost(Duration.ofSeconds(45)).until(() -> Requests.resultOf(id),
                found -> found != null).json();
        assertEquals("completed", result.path("status").asText(), result.toString());
        assertEquals("poll", result.path("completedVia").asText());
        assertTrue(result.path("imageUrl").asText().startsWith(Simulator.base() + "/"), result.toString());
        assertTrue(refused("imageUrl") >= before + 2, "both refusals are counted");
        assertExactlyOneResult(id);
    }

    private double refused(String field) {
        return registry.find("gempix2.upstream.answers.refused").tag("field", field).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
