package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static com.gempix2.orchestrator.flow.Requests.post;
import static com.gempix2.orchestrator.testing.AppPorts.management;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.simulator.Knobs;
import com.gempix2.orchestrator.testing.FreshAccountTest;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.Simulator;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The upstream's own word on the rate limit (headers, 1003) bounds the budget, whatever was configured. The service
 * believes in the configured hour; the simulator's windows last seconds, so that resets come within the test and the
 * service must learn them from the headers.
 */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class QuotaTest extends FreshAccountTest {

    @Test
    void upstreamHeadersStopCallsBeforeGempix2HasToSay1003() {
        // Configured for 100,000 calls a window; the account really allows 2 per 2 s.
        Simulator.knobs(Map.of("rateLimit", 2, "windowSeconds", 2));
        List<String> ids = IntStream.range(0, 5).mapToObj(i -> post(newId("headers"), "window " + i)).toList();

        for (String id : ids) {
            assertEquals("completed", awaitResult(id).json().path("status").asText());
        }
        assertEquals(0, Simulator.counters().path("rateLimited").asInt(), "no call was refused with 1003");
        assertEquals(5, Simulator.calls("generate"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get(management() + "/q/metrics")
                .then().body(containsString("gempix2_quota_limit 2.0")));
    }

    @ParameterizedTest
    @EnumSource(Knobs.WindowMode.class)
    void upstreamWindowIsLearnedFromItsHeadersNotAssumed(Knobs.WindowMode mode) {
        // The service is configured for 100,000 calls an hour; the account allows 3 calls per 2 s.
        Simulator.knobs(Map.of("rateLimit", 3, "windowSeconds", 2, "windowMode", mode));
        List<String> ids = IntStream.range(0, 8).mapToObj(i -> post(newId("learned-" + mode), "window " + i)).toList();

        for (String id : ids) {
            assertEquals("completed", awaitResult(id).json().path("status").asText());
        }
        assertEquals(0, Simulator.counters().path("rateLimited").asInt(), "no call was refused with 1003");
        assertEquals(8, Simulator.calls("generate"), "one generate call per request, none refused");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get(management() + "/q/metrics")
                .then().body(containsString("gempix2_quota_limit 3.0"), containsString("gempix2_quota_learned 1.0"),
                        matchesPattern("(?s).*gempix2_quota_window_seconds [23]\\.0.*")));
    }

    @Test
    void withoutGempix2sHeadersTheConfiguredLimitAppliesAgain() {
        Simulator.knobs(Map.of("rateLimit", 5, "windowSeconds", 60));
        assertEquals("completed", awaitResult(post(newId("headers"), "learned")).json().path("status").asText());
        awaitMetrics("gempix2_quota_learned 1.0", "gempix2_quota_limit 5.0");

        Simulator.knobs(Map.of("rateLimitHeaders", false));
        for (String id : IntStream.range(0, 3).mapToObj(i -> post(newId("silent"), "no headers " + i)).toList()) {
            assertEquals("completed", awaitResult(id).json().path("status").asText());
        }
        // Three answers in a row without them: the configured 100,000 an hour again.
        awaitMetrics("gempix2_quota_learned 0.0", "gempix2_quota_limit 100000.0");

        Simulator.knobs(Map.of("rateLimitHeaders", true));
        assertEquals("completed",
                awaitResult(post(newId("headers-back"), "learned again")).json().path("status").asText());
        awaitMetrics("gempix2_quota_learned 1.0", "gempix2_quota_limit 5.0");
        assertEquals(0, Simulator.counters().path("rateLimited").asInt());
    }

    private static void awaitMetrics(String... lines) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String scrape = given().get(management() + "/q/metrics").then().extract().asString();
            for (String line : lines) {
                assertTrue(scrape.contains(line), line);
            }
        });
    }

    @Test
    void rateLimitedAnswerPausesCallsAndRequeuesWithoutCountingAnAttempt() {
        Simulator.knobs(Map.of("windowSeconds", 2));
        Simulator.fault("generate", 1003, 429, 1, "envelope");
        String id = post(newId("rate-limited"), "after the reset");

        JsonNode result = awaitResult(id).json();
        assertEquals("completed", result.path("status").asText());
        assertEquals(1, result.path("attempts").asInt(), "the 1003 was not the job's attempt");
        assertEquals(2, Simulator.calls("generate"));
        assertEquals(1, Simulator.generationsWith(id).size());
    }

    @Test
    void budgetNeverLetsMoreCallsThanTheLimitReportedByGempix2() {
        // A window far longer than the service's: X-RateLimit-Remaining holds calls back until its reset.
        Simulator.knobs(Map.of("rateLimit", 3, "windowSeconds", 3600));
        List<String> ids = IntStream.range(0, 5).mapToObj(i -> post(newId("smaller-limit"), "hour " + i)).toList();

        await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream()
                .filter(id -> !KafkaTopics.results(id).isEmpty()).count() == 3);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> Simulator.calls("generate") == 3);
        assertEquals(0, Simulator.counters().path("rateLimited").asInt());
        given().get(management() + "/q/health/group/upstream").then()
                .body("checks.find { it.name == 'gempix2' }.data.limit", equalTo(3));

        // The two left over wait for the next hour: cancelling them spends nothing.
        List<String> waiting = ids.stream().filter(id -> KafkaTopics.results(id).isEmpty()).toList();
        waiting.forEach(KafkaTopics::cancel);
        for (String id : waiting) {
            assertEquals("cancelled", awaitResult(id).json().path("status").asText());
        }
        assertEquals(3, Simulator.calls("generate"));
    }
}
