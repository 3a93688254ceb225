package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.newId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.testing.FreshAccountTest;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.Simulator;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The broker goes away with jobs in flight: webhooks are still answered, jobs still finish, nothing waits on the
 * broker inside a transaction, and once the broker is back every result goes out exactly once.
 */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class BrokerOutageTest extends FreshAccountTest {

    @Inject
    EntityManager em;

    @Inject
    MeterRegistry registry;

    @Test
    void jobsFinishDuringABrokerOutageAndEachResultIsPublishedOnceItIsBack() {
        // Long enough generations that the broker is down before their webhooks come.
        Simulator.knobs(Map.of("processingMillis", 4000));
        List<String> ids = IntStream.range(0, 20).mapToObj(i -> newId("outage-" + i)).toList();
        KafkaTopics.sendAll("gempix2-requests",
                ids.stream().<Map.Entry<String, String>>map(
                        id -> Map.entry(id, Requests.textToImage(id, "while the broker is away")))
                        .toList());
        await().atMost(Duration.ofSeconds(30)).until(() -> submitted(ids) == ids.size());
        long webhooksFailedBefore = Simulator.counters().path("webhooksFailed").asLong();
        double publishFailuresBefore = publishFailures();

        KafkaBroker.stopBroker();
        try {
            // Every webhook answered 2xx and every job finished, with no broker to publish to.
            await().atMost(Duration.ofSeconds(30)).until(() -> finished(ids) == ids.size());
            assertEquals(webhooksFailedBefore, Simulator.counters().path("webhooksFailed").asLong(),
                    "no webhook was answered with an error");
            // The relay tried, failed, and holds no transaction open meanwhile.
            await().atMost(Duration.ofSeconds(30)).until(() -> publishFailures() > publishFailuresBefore);
            assertEquals(0, idleInTransaction(), "no connection sits idle in a transaction during the outage");
            assertTrue(ids.stream().allMatch(id -> KafkaTopics.results(id).isEmpty()));
        } finally {
            KafkaBroker.startAgain();
        }

        ids.forEach(id -> await().atMost(Duration.ofSeconds(60)).until(() -> !KafkaTopics.results(id).isEmpty()));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> ids.stream().allMatch(id -> KafkaTopics.results(id).size() == 1));
        ids.forEach(id -> {
            assertEquals("completed", KafkaTopics.results(id).get(0).json().path("status").asText(), id);
            assertEquals(1, Simulator.generationsWith(id).size(), "submitted once: " + id);
        });
    }

    private long submitted(List<String> ids) {
        return ids.stream().filter(id -> Simulator.generationsWith(id).size() == 1).count();
    }

    private long finished(List<String> ids) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from job where request_id in (:ids) and status = 'COMPLETED'")
                .setParameter("ids", ids).getSingleResult()).longValue());
    }

    /** Connections of this database that have sat idle inside a transaction for over a second. */
    private long idleInTransaction() {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery("""
                select count(*) from pg_stat_activity where datname = current_database()
                and state like 'idle in transaction%' and state_change < now() - interval '1 second'""")
                .getSingleResult()).longValue());
    }

    private double publishFailures() {
        return registry.find("gempix2.results.publish.failures").counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
