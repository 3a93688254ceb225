package com.gempix2.orchestrator.result;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The outbox table as the relay and operators use it; every method is one short transaction, none of them waits
 * on the broker. Raw SQL for the claim: JPQL has neither {@code skip locked} nor {@code update ... returning}.
 */
@ApplicationScoped
class Outbox {

    private final EntityManager em;

    Outbox(EntityManager em) {
        this.em = em;
    }

    /**
     * Claims up to {@code limit} unsent events, oldest first, until {@code until}: no other relay takes them
     * before then. An event another relay claimed is taken only if that claim lapsed by {@code lapsedBy}. Rows being
     * claimed by another replica at this moment are skipped, not waited for.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    List<OutboxEvent> claim(Instant lapsedBy, Instant until, int limit) {
        List<OutboxEvent> claimed = em.createNativeQuery("""
                update outbox_event set claimed_until = ?1 where id in (
                    select id from outbox_event
                    where sent_at is null and set_aside_at is null and (claimed_until is null or claimed_until <= ?2)
                    order by id limit ?3 for update skip locked)
                returning *""", OutboxEvent.class)
                .setParameter(1, until)
                .setParameter(2, lapsedBy)
                .setParameter(3, limit)
                .getResultList();
        claimed.forEach(em::detach);
        return claimed.stream().sorted((a, b) -> Long.compare(a.id, b.id)).toList();
    }

    @Transactional
    void markSent(List<Long> ids, Instant at) {
        if (!ids.isEmpty()) {
            em.createNativeQuery("update outbox_event set sent_at = :at, claimed_until = null where id in (:ids)")
                    .setParameter("at", at)
                    .setParameter("ids", ids)
                    .executeUpdate();
        }
    }

    /** Extends this replica's claim on events the broker has not answered yet. */
    @Transactional
    void renew(List<Long> ids, Instant until) {
        if (!ids.isEmpty()) {
            em.createNativeQuery(
                    "update outbox_event set claimed_until = :until where id in (:ids) and sent_at is null")
                    .setParameter("until", until)
                    .setParameter("ids", ids)
                    .executeUpdate();
        }
    }

    /** The broker did not take it this time: it is published again from {@code retryAt}. */
    @Transactional
    void retryLater(long id, Instant retryAt) {
        em.createNativeQuery("""
                update outbox_event set claimed_until = ?1, publish_failures = publish_failures + 1
                where id = ?2 and sent_at is null""")
                .setParameter(1, retryAt)
                .setParameter(2, id)
                .executeUpdate();
    }

    /** The broker refuses this record for good: kept, but no longer published, until an operator retries it. */
    @Transactional
    void setAside(long id, Instant at, String reason) {
        em.createNativeQuery("""
                update outbox_event set set_aside_at = ?1, set_aside_reason = ?2, claimed_until = null,
                publish_failures = publish_failures + 1 where id = ?3 and sent_at is null""")
                .setParameter(1, at)
                .setParameter(2, reason)
                .setParameter(3, id)
                .executeUpdate();
    }

    /** The events set aside, oldest first. */
    @Transactional
    @SuppressWarnings("unchecked")
    List<SetAsideResult> setAside(int limit) {
        List<Object[]> rows = em.createNativeQuery("""
                select request_id, ce_id, created_at, set_aside_at, set_aside_reason from outbox_event
                where set_aside_at is not null and sent_at is null order by set_aside_at, id limit ?1""")
                .setParameter(1, limit)
                .getResultList();
        return rows.stream().map(row -> new SetAsideResult((String) row[0], (String) row[1], instant(row[2]),
                instant(row[3]), (String) row[4])).toList();
    }

    @Transactional
    long countSetAside() {
        return ((Number) em.createNativeQuery(
                "select count(*) from outbox_event where set_aside_at is not null and sent_at is null")
                .getSingleResult()).longValue();
    }

    /** Puts the set-aside result of {@code requestId} back in line; false when none is set aside. */
    @Transactional
    boolean retry(String requestId) {
        return em.createNativeQuery("""
                update outbox_event set set_aside_at = null, set_aside_reason = null, claimed_until = null
                where request_id = ?1 and set_aside_at is not null and sent_at is null""")
                .setParameter(1, requestId)
                .executeUpdate() > 0;
    }

    /** The unsent events and how long the oldest of them has waited (zero when none wait). */
    @Transactional
    Backlog backlog(Instant now) {
        Object[] row = (Object[]) em.createNativeQuery("""
                select count(*), min(created_at) from outbox_event where sent_at is null and set_aside_at is null""")
                .getSingleResult();
        Instant oldest = instant(row[1]);
        return new Backlog(((Number) row[0]).longValue(),
                oldest == null ? Duration.ZERO : Duration.between(oldest, now));
    }

    record Backlog(long events, Duration oldestAge) {
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant at) {
            return at;
        }
        if (value instanceof java.time.OffsetDateTime at) {
            return at.toInstant();
        }
        return ((java.sql.Timestamp) value).toInstant();
    }
}
