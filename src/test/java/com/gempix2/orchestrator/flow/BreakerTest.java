package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static com.gempix2.orchestrator.flow.Requests.post;
import static com.gempix2.orchestrator.testing.AppPorts.management;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.testing.FreshAccountTest;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.MutableClock;
import com.gempix2.orchestrator.testing.Simulator;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/** An upstream that keeps failing is left alone for a while, then probed once; unknown outcomes are resubmitted. */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class BreakerTest extends FreshAccountTest {

    @Inject
    MeterRegistry registry;

    @Inject
    MutableClock clock;

    @Inject
    EntityManager em;

    @Test
    void failingUpstreamOpensTheCircuitAndOneProbeClosesIt() {
        double refusedBefore = refusedByOpenCircuit();
        Simulator.fault("generate", 5000, 502, 20, "html");
        List<String> ids = IntStream.range(0, 6).mapToObj(i -> post(newId("breaker"), "after the outage " + i))
                .toList();

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> given().get(management() + "/q/health/group/upstream").then()
                        .statusCode(503)
                        .body("checks.find { it.name == 'gempix2' }.data.circuitBreaker", equalTo("open")));
        Simulator.clearFaults();

        int attempts = 0;
        for (String id : ids) {
            JsonNode result = awaitResult(id).json();
            assertEquals("completed", result.path("status").asText());
            attempts += result.path("attempts").asInt();
        }
        assertTrue(refusedByOpenCircuit() > refusedBefore, "submissions were held back while the circuit was open");
        // A call that failed while the circuit was open or probing is not the job's attempt; no attempt without a call.
        assertTrue(attempts <= Simulator.calls("generate"), attempts + " attempts, " + Simulator.calls("generate")
                + " calls");
        given().get(management() + "/q/health/group/upstream").then().body(
                "checks.find { it.name == 'gempix2' }.data.circuitBreaker",
                equalTo("closed"));
    }

    @Test
    void anOutageLongerThanAJobsAttemptsFailsNoneOfTheJobsThatProbeIt() {
        // Sixteen failed calls for four jobs, far more than the five attempts each has: the breaker opens after six,
        // and its probes, whichever job makes them, use none of that job's attempts.
        Simulator.fault("generate", 5000, 502, 16, "html");
        List<String> ids = IntStream.range(0, 4).mapToObj(i -> post(newId("probe"), "outlives the outage " + i))
                .toList();

        for (String id : ids) {
            JsonNode result = await().atMost(Duration.ofSeconds(90))
                    .until(() -> KafkaTopics.results(id), list -> !list.isEmpty()).get(0).json();
            assertEquals("completed", result.path("status").asText(), result.toString());
            assertTrue(result.path("attempts").asInt() < 5, "attempts left over: " + result);
        }
        assertEquals(20, Simulator.calls("generate"), "sixteen failed calls, then one for each job");
    }

    @Test
    void aJobWhoseCallsKeepFailingForLongerThanTheRetryBudgetFails() {
        Simulator.fault("generate", 5000, 502, 100, "html");
        String id = post(newId("budget"), "fails for half an hour");
        await().atMost(Duration.ofSeconds(15)).until(() -> QuarkusTransaction.requiringNew().call(() -> (Boolean) em
                .createNativeQuery("select failing_since is not null from job where request_id = ?1")
                .setParameter(1, id).getResultStream().findFirst().orElse(false)));

        // Thirty-one minutes later (the budget is 30), its next failed call is its last, whatever attempts it has left.
        clock.advance(Duration.ofMinutes(31));
        JsonNode result = awaitResult(id).json();
        assertEquals("failed", result.path("status").asText(), result.toString());
        assertEquals(5000, result.path("error").path("code").asInt());
        assertTrue(result.path("error").path("message").asText().contains("retry budget"), result.toString());
        assertTrue(result.path("attempts").asInt() < 5, "ended by the budget, not by its attempts: " + result);
    }

    @Test
    void submissionWithoutAnAnswerIsResubmittedAndCounted() {
        double before = unknownOutcomes();
        // Longer than the client's read timeout: Gempix2 creates the generation, the answer never arrives.
        Simulator.knobs(Map.of("latencyMillis", 2500));
        String id = post(newId("unknown"), "did it arrive");
        await().atMost(Duration.ofSeconds(10)).until(() -> Simulator.calls("generate") == 1);
        Simulator.knobs(Map.of("latencyMillis", 0));

        JsonNode result = awaitResult(id).json();
        assertEquals("completed", result.path("status").asText());
        assertEquals(2, result.path("attempts").asInt());
        await().atMost(Duration.ofSeconds(5)).until(() -> Simulator.generationsWith(id).size() == 2);
        assertTrue(unknownOutcomes() >= before + 1, "the possible second charge is counted");
    }

    private double refusedByOpenCircuit() {
        return registry.find("gempix2.provider.deferred").tag("reason", "circuit-open").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private double unknownOutcomes() {
        return registry.find("gempix2.submit.unknown").tag("policy", "resubmit").tag("cause", "no-answer")
                .counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
