package com.gempix2.orchestrator.flow;

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
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/** With GEMPIX2_SUBMIT_UNKNOWN_POLICY=fail, a submission without an answer fails with 9004 and is never sent again. */
@QuarkusTest
@TestProfile(UnknownOutcomeFailPolicyTest.FailPolicy.class)
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class UnknownOutcomeFailPolicyTest extends FreshAccountTest {

    /** A second charge is worse than a lost request, for this operator. */
    public static class FailPolicy implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gempix2.submit-unknown-policy", "fail");
        }
    }

    @Inject
    MeterRegistry registry;

    @Test
    void submissionWithoutAnAnswerFailsWith9004() {
        // Longer than the client's read timeout: Gempix2 creates the generation, the answer never arrives.
        Simulator.knobs(Map.of("latencyMillis", 2500));
        String id = post(newId("unknown-fail"), "did it arrive");

        JsonNode result = awaitResult(id).json();
        assertEquals("failed", result.path("status").asText());
        assertEquals(9004, result.path("error").path("code").asInt());
        assertEquals(1, result.path("attempts").asInt());
        await().atMost(Duration.ofSeconds(5)).until(() -> Simulator.generationsWith(id).size() == 1);
        assertEquals(1, Simulator.calls("generate"), "never sent a second time");
        assertTrue(registry.find("gempix2.submit.unknown").tag("policy", "fail").counters().stream()
                .mapToDouble(c -> c.count()).sum() >= 1, "counted");
    }
}
