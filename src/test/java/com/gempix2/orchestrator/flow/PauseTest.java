package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static com.gempix2.orchestrator.flow.Requests.post;
import static com.gempix2.orchestrator.testing.AppPorts.management;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.testing.FreshAccountTest;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.Operator;
import com.gempix2.orchestrator.testing.Simulator;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * Credits (1001), a refused key (1002) and an operator pause stop submissions for every replica; a
 * job is never failed for them, and submissions resume by themselves once a probe succeeds.
 */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class PauseTest extends FreshAccountTest {

    @Test
    void outOfCreditsPausesSubmissionsUntilAProbeSucceeds() {
        Simulator.knobs(Map.of("credits", 0));
        String id = post(newId("no-credits"), "paid for later");

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> upstreamHealth().statusCode(503)
                .body("checks.find { it.name == 'gempix2' }.data.reason", containsString("1001")));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get(management() + "/q/metrics").then()
                .body(containsString("gempix2_upstream_paused{scope=\"submissions\"} 1.0")));
        given().get(management() + "/q/health/ready").then().statusCode(200);
        int probes = Simulator.calls("generate");
        assertEquals("queued", Operator.status(id), "a job is never failed for missing credits");
        assertTrue(KafkaTopics.results(id).isEmpty());

        Simulator.knobs(Map.of("credits", 100));
        JsonNode result = awaitResult(id).json();
        assertEquals("completed", result.path("status").asText());
        assertEquals(1, result.path("attempts").asInt(), "the refused submissions were not the job's attempts");
        assertTrue(probes >= 1);
        upstreamHealth().body("checks.find { it.name == 'gempix2' }.status", equalTo("UP"));
    }

    @Test
    void refusedKeyPausesSubmissionsUntilAProbeSucceeds() {
        Simulator.fault("generate", 1002, 401, 2, "envelope");
        String id = post(newId("bad-key"), "once the key is fixed");

        JsonNode result = awaitResult(id).json();
        assertEquals("completed", result.path("status").asText());
        assertEquals(1, result.path("attempts").asInt());
        assertEquals(3, Simulator.calls("generate"), "two refused probes, then the accepted submission");
    }

    @Test
    void operatorPauseHoldsSubmissionsUntilTheOperatorResumes() {
        Operator.anonymous().post("/api/v1/upstream/pause").then().statusCode(401).body("code",
                equalTo("unauthorized"));
        Operator.anonymous().auth().oauth2("wrong").post("/api/v1/upstream/pause").then().statusCode(401);
        Operator.pause();
        String id = post(newId("held"), "held by an operator");

        await().atMost(Duration.ofSeconds(10)).until(() -> Operator.status(id).equals("queued"));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> Simulator.calls("generate") == 0);
        upstreamHealth().statusCode(503).body("checks.find { it.name == 'gempix2' }.data.reason",
                containsString("operator"));

        Operator.resume();
        assertEquals("completed", awaitResult(id).json().path("status").asText());
    }

    private static ValidatableResponse upstreamHealth() {
        return given().get(management() + "/q/health/group/upstream").then();
    }
}
