package com.gempix2.orchestrator.retention;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

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

/** What is finished is purged after its retention; a purged requestId is still answered as a duplicate. */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class RetentionTest extends FreshAccountTest {

    @Inject
    Retention retention;

    @Inject
    EntityManager em;

    @Inject
    MutableClock clock;

    @Inject
    MeterRegistry registry;

    @Test
    void finishedJobsAndWhatTheyLeftAreGoneAfterTheirRetentionAndTheirRequestIdsStayKnown() {
        String tenant = "retained-" + UUID.randomUUID();
        String id = "retention-" + UUID.randomUUID();
        String request = """
                {"requestId": "%s", "generationType": "text_to_image", "prompt": "kept a while %s", "tenant": "%s"}"""
                .formatted(id, id, tenant);
        KafkaTopics.send(id, request);
        await().atMost(Duration.ofSeconds(30)).until(() -> !KafkaTopics.results(id).isEmpty());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> count("select count(*) from outbox_event where request_id = ?1"
                        + " and sent_at is not null", id) == 1);
        double purgedBefore = purgedJobs();

        // Not yet: a day later everything is still there.
        clock.advance(Duration.ofDays(1));
        retention.purgeAll();
        assertEquals(1, count("select count(*) from job where request_id = ?1", id));

        clock.advance(Duration.ofDays(30));
        Map<String, Long> purged = retention.purgeAll();
        assertEquals(0, count("select count(*) from job where request_id = ?1", id));
        assertEquals(0, count("select count(*) from outbox_event where request_id = ?1", id));
        assertEquals(0, count("select count(*) from tenant_turn where tenant = ?1", tenant));
        assertEquals(1, count("select count(*) from retired_request where request_id = ?1", id));
        assertTrue(purged.getOrDefault("job", 0L) >= 1, purged.toString());
        assertTrue(purgedJobs() >= purgedBefore + 1, "the purge is counted");
        clock.reset();

        // Sent again after the purge: still known, so no second generation and no second result.
        KafkaTopics.send(id, request);
        String after = "after-retention-" + UUID.randomUUID();
        KafkaTopics.send(after, request.replace(id, after));
        await().atMost(Duration.ofSeconds(30)).until(() -> !KafkaTopics.results(after).isEmpty());
        assertEquals(1, Simulator.generationsWith(id).size(), "no generation for the purged requestId sent again");
        assertEquals(1, KafkaTopics.results(id).size());
    }

    private long count(String sql, String param) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(sql).setParameter(1, param)
                .getSingleResult()).longValue());
    }

    private double purgedJobs() {
        return registry.find("gempix2.retention.purged").tag("table", "job").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
