package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static com.gempix2.orchestrator.testing.AppPorts.management;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.testing.FreshAccountTest;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.Simulator;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The fallback learns how long generations take: a working webhook costs no poll, a lost one is found
 * shortly after its generation ends, and webhooks that stop altogether are noticed and reported.
 */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class LostWebhookTest extends FreshAccountTest {

    private static final Pattern SQUARE_OVERDUE = Pattern.compile(
            "gempix2_poll_overdue_seconds\\{aspect_ratio=\"1:1\",generation_type=\"text_to_image\"} ([0-9.]+)");

    @Test
    void lostWebhooksAreFoundByPollingWhenTheirGenerationsEnd() {
        // Whatever earlier tests did to the webhooks, one that arrives now says they work.
        String warm = postSquares("warm", 1).get(0);
        assertEquals("webhook", awaitResult(warm).json().path("completedVia").asText());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get(management() + "/q/metrics")
                .then().body(containsString("gempix2_webhooks_stopped 0.0")));

        // Generations of 3 s, square: a kind no other flow test makes, so that the times learned are this test's.
        Simulator.knobs(Map.of("pendingMillis", 0, "processingMillis", 3000));
        // Until a kind has 5 outcomes its first poll waits poll.first-after (2 s in tests): these may be polled.
        postSquares("learn", 6).forEach(Requests::awaitResult);
        // Overdue at the learned high quantile (3 s) plus the grace (1 s in tests), not at poll.first-after.
        double overdue = await().atMost(Duration.ofSeconds(10)).until(this::squareOverdueSeconds,
                seconds -> seconds > 3.0 && seconds < 5.0);
        int pollsBefore = Simulator.calls("status");
        for (String id : postSquares("working", 4)) {
            assertEquals("webhook", awaitResult(id).json().path("completedVia").asText());
        }
        assertEquals(pollsBefore, Simulator.calls("status"), "webhooks that work cost no poll");

        Simulator.knobs(Map.of("webhookDropRatio", 1.0));
        List<String> lost = postSquares("lost", 10);
        for (String id : lost) {
            JsonNode result = awaitResult(id).json();
            assertEquals("poll", result.path("completedVia").asText());
            int polls = Simulator.polls(result.path("uuid").asText());
            assertTrue(polls >= 1 && polls <= 2,
                    polls + " polls for one lost webhook, overdue after " + overdue + " s");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            given().get(management() + "/q/metrics").then().body(containsString("gempix2_webhooks_stopped 1.0"));
            given().get(management() + "/q/health/group/upstream").then().statusCode(503)
                    .body("checks.find { it.name == 'webhooks' }.status", equalTo("DOWN"));
        });
        given().get(management() + "/q/health/ready").then().statusCode(200);

        Simulator.knobs(Map.of("webhookDropRatio", 0.0));
        String back = postSquares("back", 1).get(0);
        awaitResult(back);
        // Its webhook comes (perhaps after a poll found the outcome first): the webhooks work again.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get(management() + "/q/metrics")
                .then().body(containsString("gempix2_webhooks_stopped 0.0")));
        assertEquals(1, KafkaTopics.results(back).size());
    }

    private List<String> postSquares(String what, int count) {
        return IntStream.range(0, count).mapToObj(i -> {
            String id = newId("square-" + what);
            KafkaTopics.send(id,
                    """
                            {"requestId": "%s", "generationType": "text_to_image", "prompt": "a square %s", "aspectRatio": "1:1"}"""
                            .formatted(id, id));
            return id;
        }).toList();
    }

    private double squareOverdueSeconds() {
        Matcher matcher = SQUARE_OVERDUE.matcher(given().get(management() + "/q/metrics").then().extract().asString());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
    }
}
