package com.gempix2.orchestrator.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuthAndRateLimitTest {

    private final MovableClock clock = new MovableClock();
    private SimulatorHarness sim = SimulatorHarness.start();

    @AfterEach
    void stop() throws Exception {
        sim.close();
    }

    @Test
    void missingOrWrongKeyAnswers1002AndChargesNothing() {
        sim.knobs("{\"rateLimit\": 2}");
        SimulatorHarness.Answer missing = sim.send(sim.request("/api/image-status/x").GET());
        SimulatorHarness.Answer wrong = sim
                .send(sim.request("/api/image-status/x").GET().header("Authorization", "Bearer nope"));
        SimulatorHarness.Answer notBearer = sim
                .send(sim.request("/api/image-status/x").GET().header("Authorization", "Basic c2ltLWtleQ=="));

        for (SimulatorHarness.Answer answer : new SimulatorHarness.Answer[]{missing, wrong, notBearer}) {
            assertEquals(200, answer.status());
            assertEquals(1002, answer.code());
            assertEquals("Authentication failed", answer.json().get("msg").asText());
            assertEquals(2, answer.longHeader(ApiGate.REMAINING_HEADER));
        }
        assertEquals(1, sim.status("x").longHeader(ApiGate.REMAINING_HEADER), "failed auth must not use the window");
    }

    @Test
    void everyAnswerIsAnEnvelopeWithTheThreeRateLimitHeaders() {
        SimulatorHarness.Answer answer = sim.textToImage("a lighthouse", "16:9");

        assertEquals(200, answer.status());
        assertTrue(answer.header("Content-Type").startsWith("application/json"));
        assertEquals(0, answer.code());
        assertEquals("Success", answer.json().get("msg").asText());
        assertEquals(100, answer.longHeader(ApiGate.LIMIT_HEADER));
        assertEquals(99, answer.longHeader(ApiGate.REMAINING_HEADER));
        long nowSeconds = System.currentTimeMillis() / 1000;
        long reset = answer.longHeader(ApiGate.RESET_HEADER);
        assertTrue(reset >= nowSeconds + 3599 && reset <= nowSeconds + 3601,
                "reset is epoch seconds of the window end: " + reset);

        SimulatorHarness.Answer error = sim.status("no-such-uuid");
        assertEquals(1000, error.code());
        assertTrue(error.json().has("data") && error.data().isNull());
        assertEquals(98, error.longHeader(ApiGate.REMAINING_HEADER));
    }

    @Test
    void rateLimitAnswers1003WithResetInTheFuture() {
        sim.knobs("{\"rateLimit\": 3}");
        for (int i = 0; i < 3; i++) {
            assertEquals(1000, sim.status("unknown").code());
        }

        SimulatorHarness.Answer limited = sim.textToImage("one too many", "auto");

        assertEquals(1003, limited.code());
        assertEquals("Rate limit exceeded", limited.json().get("msg").asText());
        assertEquals(0, limited.longHeader(ApiGate.REMAINING_HEADER));
        assertEquals(3, limited.longHeader(ApiGate.LIMIT_HEADER));
        assertTrue(limited.longHeader(ApiGate.RESET_HEADER) * 1000 > System.currentTimeMillis());
        assertNull(limited.header(ApiGate.RETRY_AFTER_HEADER), "Retry-After only when the knob asks for it");
        assertEquals(1, sim.counters().get("rateLimited").asInt());
        assertEquals(0, sim.counters().get("generationsCreated").asInt());
    }

    @Test
    void retryAfterKnobAddsRetryAfterSecondsTo1003() {
        sim.knobs("{\"rateLimit\": 1, \"windowSeconds\": 60, \"retryAfter\": true}");
        assertNull(sim.status("a").header(ApiGate.RETRY_AFTER_HEADER));

        SimulatorHarness.Answer limited = sim.status("a");

        assertEquals(1003, limited.code());
        long retryAfter = limited.longHeader(ApiGate.RETRY_AFTER_HEADER);
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
    }

    @Test
    void callsThatFailValidationStillUseTheWindow() {
        sim.knobs("{\"rateLimit\": 2}");
        assertEquals(1000, sim.generate("{\"generationType\": \"text_to_image\"}").code());
        assertEquals(1000, sim.generate("not json").code());

        assertEquals(1003, sim.textToImage("valid at last", "auto").code());
    }

    @Test
    void windowReopensWhenWindowSecondsHavePassed() throws Exception {
        sim.close();
        sim = SimulatorHarness.start(clock);
        sim.knobs("{\"rateLimit\": 1, \"windowSeconds\": 10}");
        SimulatorHarness.Answer first = sim.status("a");
        assertEquals(clock.millis() / 1000 + 10, first.longHeader(ApiGate.RESET_HEADER));
        assertEquals(1003, sim.status("a").code());

        clock.advance(Duration.ofSeconds(10));

        SimulatorHarness.Answer reopened = sim.status("a");
        assertEquals(1000, reopened.code());
        assertEquals(0, reopened.longHeader(ApiGate.REMAINING_HEADER));
        assertEquals(clock.millis() / 1000 + 10, reopened.longHeader(ApiGate.RESET_HEADER));
    }

    @Test
    void errorHttpStatusKnobSetsTheStatusOfErrorsOnly() {
        sim.knobs("{\"errorHttpStatus\": 400}");

        assertEquals(400, sim.status("unknown").status());
        assertEquals(400, sim.send(sim.request("/api/image-status/x").GET()).status());
        assertEquals(200, sim.textToImage("fine", "auto").status());

        sim.knobs("{\"errorHttpStatus\": null}");
        assertEquals(200, sim.status("unknown").status());
    }

    @Test
    void latencyKnobDelaysEveryApiAnswer() {
        sim.knobs("{\"latencyMillis\": 300}");
        long started = System.nanoTime();

        assertEquals(1000, sim.status("unknown").code());

        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 300);
    }
}
