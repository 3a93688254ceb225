package com.gempix2.orchestrator.simulator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControlApiTest {

    private final SimulatorHarness sim = SimulatorHarness.start();

    @AfterEach
    void stop() throws Exception {
        sim.close();
    }

    @Test
    void knobsListsEveryKnob() {
        JsonNode knobs = sim.get("/sim/knobs").json();

        Set<String> names = new HashSet<>();
        knobs.fieldNames().forEachRemaining(names::add);
        assertEquals(Set.of("rateLimit", "windowSeconds", "windowMode", "retryAfter", "rateLimitHeaders", "credits",
                "creditsPerGeneration", "pendingMillis",
                "processingMillis", "failureRatio", "latencyMillis", "errorHttpStatus", "webhookUrl",
                "webhookDropRatio",
                "webhookDuplicateRatio", "webhookDelayMillis", "webhookBeforeResponse"), names);
        assertEquals(100, knobs.get("rateLimit").asInt());
        assertTrue(knobs.get("errorHttpStatus").isNull());
    }

    @Test
    void partialKnobUpdateChangesOnlyTheGivenFields() {
        JsonNode after = sim.knobs("{\"rateLimit\": 7, \"retryAfter\": true}");

        assertEquals(7, after.get("rateLimit").asInt());
        assertTrue(after.get("retryAfter").asBoolean());
        assertEquals(3600, after.get("windowSeconds").asInt());
        assertEquals(200, after.get("processingMillis").asInt());
        assertEquals(after, sim.get("/sim/knobs").json());
    }

    @Test
    void malformedKnobsAnswer400AndChangeNothing() {
        JsonNode before = sim.get("/sim/knobs").json();
        for (String change : new String[]{
                "{\"rateLimt\": 5}",
                "{\"rateLimit\": \"many\"}",
                "{\"rateLimit\": null}",
                "{\"rateLimit\": 1.5}",
                "{\"rateLimit\": 5, \"failureRatio\": 2}",
                "{\"windowSeconds\": 0}",
                "{\"errorHttpStatus\": 42}",
                "{\"webhookUrl\": \"not a url\"}",
                "[1]",
                "{"}) {
            SimulatorHarness.Answer answer = sim.control("PUT", "/sim/knobs", change);
            assertEquals(400, answer.status(), change);
            assertTrue(answer.header("Content-Type").startsWith("application/json"));
            assertTrue(answer.json().get("message").asText().length() > 0, change);
        }
        assertEquals(before, sim.get("/sim/knobs").json());
    }

    @Test
    void resetForgetsEverythingAndRestoresTheConfiguredKnobs() {
        sim.knobs("{\"rateLimit\": 1, \"credits\": 50}");
        String uuid = sim.newGeneration("to be forgotten");
        assertEquals(1003, sim.status(uuid).code());
        sim.control("POST", "/sim/faults", "{\"endpoint\": \"status\"}");

        assertEquals(204, sim.control("POST", "/sim/reset", null).status());

        JsonNode knobs = sim.get("/sim/knobs").json();
        assertEquals(100, knobs.get("rateLimit").asInt());
        assertEquals(1_000_000, knobs.get("credits").asInt());
        assertEquals(0, sim.get("/sim/generations").json().size());
        assertEquals(0, sim.get("/sim/faults").json().size());
        assertEquals(1000, sim.status(uuid).code(), "the generation is gone and the window fresh");
        JsonNode counters = sim.counters();
        assertEquals(1, counters.get("calls").get("status").asInt());
        assertEquals(0, counters.get("calls").get("generate").asInt());
        assertEquals(0, counters.get("rateLimited").asInt());
        assertEquals(0, counters.get("generationsCreated").asInt());
    }

    @Test
    void countersHaveTheDocumentedShape() {
        JsonNode counters = sim.counters();

        assertEquals(Set.of("generate", "status", "upload"), fieldNames(counters.get("calls")));
        assertEquals(Set.of("calls", "pollsByUuid", "generationsCreated", "rateLimited", "webhooksSent",
                "webhooksDropped", "webhooksFailed"), fieldNames(counters));
    }

    @Test
    void generationsListsWhatWasCreatedWithItsCurrentStatus() {
        String completes = sim.newGeneration("one");
        String fails = sim.newGeneration("two sim:fail");

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode list = sim.get("/sim/generations").json();
            return "completed".equals(list.get(0).get("status").asText())
                    && "failed".equals(list.get(1).get("status").asText());
        });

        JsonNode list = sim.get("/sim/generations").json();
        assertEquals(2, list.size());
        assertEquals(completes, list.get(0).get("uuid").asText());
        assertEquals(fails, list.get(1).get("uuid").asText());
        assertEquals(Set.of("uuid", "prompt", "generationType", "aspectRatio", "status", "createdAt"),
                fieldNames(list.get(0)));
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
