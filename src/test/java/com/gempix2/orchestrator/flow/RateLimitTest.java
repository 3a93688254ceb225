package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static com.gempix2.orchestrator.flow.Requests.post;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.job.JobRepository;
import com.gempix2.orchestrator.job.JobStatus;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.Simulator;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/** An account allowing 3 calls an hour gets 3 calls, never a fourth, and the rest wait in the queue. */
@QuarkusTest
@TestProfile(RateLimitTest.ThreeCallsAnHour.class)
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class RateLimitTest {

    /** The service knows the account allows 3 calls an hour; the test tells the simulator the same. */
    public static class ThreeCallsAnHour implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gempix2.rate-limit-per-hour", "3");
        }
    }

    @Inject
    JobRepository jobs;

    @Test
    void dispatchNeverSpendsMoreThanTheHourlyLimit() {
        Simulator.reset();
        Simulator.knobs(Map.of("rateLimit", 3));
        try {
            spendsThreeOfFive();
        } finally {
            // Its configured limit again, for whatever runs against this simulator after this test.
            Simulator.reset();
        }
    }

    private void spendsThreeOfFive() {
        List<String> ids = IntStream.range(0, 5).mapToObj(i -> post(newId("quota"), "picture " + i)).toList();

        await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream()
                .filter(id -> !KafkaTopics.results(id).isEmpty()).count() == 3);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> ids.stream()
                .filter(id -> !KafkaTopics.results(id).isEmpty()).count() == 3);

        assertEquals(3, Simulator.calls("generate"));
        assertEquals(0, Simulator.counters().path("rateLimited").asInt(), "no call was refused with 1003");
        long queued = QuarkusTransaction.requiringNew().call(() -> ids.stream()
                .filter(id -> jobs.findByRequestId(id).orElseThrow().status() == JobStatus.QUEUED).count());
        assertEquals(2, queued, "the other two wait for the window to slide");
        ids.stream().filter(id -> !KafkaTopics.results(id).isEmpty())
                .forEach(id -> assertEquals("completed", awaitResult(id).json().path("status").asText()));
    }
}
