package com.gempix2.orchestrator.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultTest {

    private final SimulatorHarness sim = SimulatorHarness.start();

    @AfterEach
    void stop() throws Exception {
        sim.close();
    }

    @Test
    void envelopeFaultAnswersItsCodeAndStatusForCountCallsThenStops() {
        addFault("{\"endpoint\": \"generate\", \"code\": 5000, \"httpStatus\": 500, \"count\": 2}");

        for (int i = 0; i < 2; i++) {
            SimulatorHarness.Answer answer = sim.textToImage("doomed", "auto");
            assertEquals(500, answer.status());
            assertEquals(5000, answer.code());
            assertEquals("Server error", answer.json().get("msg").asText());
        }
        assertEquals(0, sim.textToImage("fine now", "auto").code());
        assertEquals(1, sim.counters().get("generationsCreated").asInt(), "a fault on generate creates nothing");
    }

    @Test
    void emptyFaultAnswersNoBodyAtAll() {
        addFault("{\"endpoint\": \"status\", \"httpStatus\": 502, \"body\": \"empty\"}");

        SimulatorHarness.Answer answer = sim.status("anything");

        assertEquals(502, answer.status());
        assertEquals(0, answer.body().length);
        assertTrue(answer.header(ApiGate.REMAINING_HEADER) != null, "rate-limit headers still present");
    }

    @Test
    void htmlFaultAnswersAnHtmlErrorPage() {
        addFault("{\"endpoint\": \"generate\", \"httpStatus\": 503, \"body\": \"html\"}");

        SimulatorHarness.Answer answer = sim.textToImage("behind a proxy", "auto");

        assertEquals(503, answer.status());
        assertTrue(answer.header("Content-Type").startsWith("text/html"));
        assertTrue(answer.text().contains("503 Service Unavailable"), answer.text());
    }

    @Test
    void faultCountsAsACallAndUsesTheRateWindow() {
        sim.knobs("{\"rateLimit\": 2}");
        addFault("{\"endpoint\": \"upload\", \"code\": 5000, \"httpStatus\": 500}");

        SimulatorHarness.Answer faulted = sim.upload("a.png", "image/png", new byte[]{1});

        assertEquals(500, faulted.status());
        assertEquals(1, faulted.longHeader(ApiGate.REMAINING_HEADER));
        assertEquals(1, sim.counters().get("calls").get("upload").asInt());
    }

    @Test
    void faultOnOneEndpointLeavesTheOthersAlone() {
        addFault("{\"endpoint\": \"status\"}");

        assertEquals(0, sim.textToImage("unaffected", "auto").code());
        assertEquals(5000, sim.status("x").code());
        assertEquals(1000, sim.status("x").code());
    }

    @Test
    void faultsCanBeListedAndCleared() {
        addFault("{\"endpoint\": \"status\", \"count\": 3}");
        assertEquals(3, sim.get("/sim/faults").json().get(0).get("count").asInt());

        assertEquals(204, sim.control("DELETE", "/sim/faults", null).status());

        assertEquals(0, sim.get("/sim/faults").json().size());
        assertEquals(1000, sim.status("x").code());
    }

    @Test
    void malformedFaultAnswers400WithAMessage() {
        for (String fault : new String[]{
                "{\"endpoint\": \"everything\"}",
                "{\"endpoint\": \"status\", \"count\": 0}",
                "{\"endpoint\": \"status\", \"body\": \"xml\"}",
                "{\"endpoint\": \"status\", \"httpStatus\": 99}",
                "{\"endpoint\": \"status\", \"colour\": \"red\"}",
                "[]",
                "nonsense"}) {
            SimulatorHarness.Answer answer = sim.control("POST", "/sim/faults", fault);
            assertEquals(400, answer.status(), fault);
            assertTrue(answer.json().get("message").asText().length() > 0, fault);
        }
        assertEquals(0, sim.get("/sim/faults").json().size());
    }

    private void addFault(String fault) {
        SimulatorHarness.Answer answer = sim.control("POST", "/sim/faults", fault);
        assertEquals(200, answer.status(), answer.text());
    }
}
