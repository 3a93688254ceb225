package com.gempix2.orchestrator.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.gempix2.orchestrator.config.RetentionConfig;
import com.gempix2.orchestrator.config.SourceConfig;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * Purges what is finished once it is older than its retention ({@code gempix2.retention.*}): in batches of
 * {@code batch-size} rows, each its own short transaction, on one replica at a time (a batch that finds another
 * replica's purge in progress ends this pass). Counted in {@code gempix2_retention_purged_total{table}}.
 *
 * <p>Raw SQL throughout: a bounded delete needs {@code limit}, and a purged job's requestId moves to
 * {@code retired_request} in the same statement.
 */
@ApplicationScoped
public class Retention {

    /** Advisory-lock namespace for "a purge is running". */
    private static final int LOCK_SPACE = 7006;

    private final EntityManager em;
    private final RetentionConfig config;
    private final SourceConfig sources;
    private final Clock clock;
    private final MeterRegistry registry;

    Retention(EntityManager em, RetentionConfig config, SourceConfig sources, Clock clock, MeterRegistry registry) {
        this.em = em;
        this.config = config;
        this.sources = sources;
        this.clock = clock;
        this.registry = registry;
    }

    @Scheduled(every = "${gempix2.retention.interval}", delayed = "${gempix2.retention.first-after}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void run() {
        try {
            Map<String, Long> purged = purgeAll();
            if (!purged.isEmpty()) {
                Log.infof("Purged what is past its retention: %s", purged);
            }
        } catch (RuntimeException e) {
            // A lock conflict with intake or a replica stopping: the next pass goes on where this one stopped.
            Log.warnf("Purging stopped, going on at the next pass: %s", e.getMessage());
        }
    }

    /** One pass over every table; the rows purged, by table (those with none left out). */
    public Map<String, Long> purgeAll() {
        Instant now = clock.instant();
        Map<String, Long> purged = new LinkedHashMap<>();
        for (Purge purge : purges(now)) {
            long total = 0;
            while (true) {
                Integer deleted = QuarkusTransaction.requiringNew().call(() -> batch(purge));
                if (deleted == null) {
                    // Another replica is purging: it does the rest.
                    record(purged, purge.table(), total);
                    return purged;
                }
                total += deleted;
                if (deleted < config.batchSize()) {
                    break;
                }
            }
            record(purged, purge.table(), total);
        }
        return purged;
    }

    private void record(Map<String, Long> purged, String table, long total) {
        if (total > 0) {
            registry.counter("gempix2.retention.purged", "table", table).increment(total);
            purged.put(table, total);
        }
    }

    private Integer batch(Purge purge) {
        boolean ours = (Boolean) em.createNativeQuery("select pg_try_advisory_xact_lock(?1, 0)")
                .setParameter(1, LOCK_SPACE)
                .getSingleResult();
        if (!ours) {
            return null;
        }
        var query = em.createNativeQuery(purge.sql());
        List<Object> params = purge.params();
        for (int i = 0; i < params.size(); i++) {
            query.setParameter(i + 1, params.get(i));
        }
        return query.executeUpdate();
    }

    private List<Purge> purges(Instant now) {
        int limit = config.batchSize();
        Duration uploadsKept = sources.source().reuseFor().plus(config.uploads());
        return List.of(
                // A finished job goes once its result is out; its requestId stays known in retired_request.
                new Purge("job",
                        """
                                with gone as (
                                    delete from job where id in (
                                        select j.id from job j where j.finished_at < ?1 and not exists (
                                            select 1 from outbox_event o where o.request_id = j.request_id and o.sent_at is null)
                                        order by j.id limit ?2 for update skip locked)
                                    returning request_id, payload_hash)
                                insert into retired_request (request_id, payload_hash, retired_at)
                                select request_id, payload_hash, ?3 from gone on conflict (request_id) do nothing""",
                        List.of(now.minus(config.jobs()), limit, now)),
                new Purge("retired_request", """
                        delete from retired_request where request_id in (
                            select request_id from retired_request where retired_at < ?1 limit ?2)""",
                        List.of(now.minus(config.requestIds()), limit)),
                new Purge("outbox_event", """
                        delete from outbox_event where id in (
                            select id from outbox_event where sent_at < ?1 order by id limit ?2)""",
                        List.of(now.minus(config.results()), limit)),
                new Purge("webhook_delivery", """
                        delete from webhook_delivery where id in (
                            select id from webhook_delivery where received_at < ?1 limit ?2)""",
                        List.of(now.minus(config.webhookDeliveries()), limit)),
                new Purge("tenant_turn",
                        """
                                delete from tenant_turn where tenant in (
                                    select tenant from tenant_turn where last_served_at < ?1 limit ?2 for update skip locked)""",
                        List.of(now.minus(config.tenantTurns()), limit)),
                new Purge("uploaded_source",
                        """
                                delete from uploaded_source where sha256 in (
                                    select sha256 from uploaded_source where uploaded_at < ?1 limit ?2 for update skip locked)""",
                        List.of(now.minus(uploadsKept), limit)),
                new Purge("early_cancel",
                        """
                                delete from early_cancel where request_id in (
                                    select request_id from early_cancel where received_at < ?1 limit ?2 for update skip locked)""",
                        List.of(now.minus(config.earlyCancels()), limit)));
    }

    /** One table's purge: a statement deleting at most a batch, and its parameters. */
    private record Purge(String table, String sql, List<Object> params) {
    }
}
