package com.gempix2.orchestrator.result;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The outbox table as the relay and operators use it; every method is one short transaction, none of them waits
 * on the broker. Raw SQL for the claim only: JPQL has neither {@code skip locked} nor {@code update ... returning}.
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
            em.createQuery("update OutboxEvent e set e.sentAt = :at, e.claimedUntil = null where e.id in :ids")
                    .setParameter("at", at)
                    .setParameter("ids", ids)
                    .executeUpdate();
        }
    }

    /** Extends this replica's claim on events the broker has not answered yet. */
    @Transactional
    void renew(List<Long> ids, Instant until) {
        if (!ids.isEmpty()) {
            em.createQuery(
                    "update OutboxEvent e set e.claimedUntil = :until where e.id in :ids and e.sentAt is null")
                    .setParameter("until", until)
                    .setParameter("ids", ids)
                    .executeUpdate();
        }
    }

    /** The broker did not take it this time: it is published again from {@code retryAt}. */
    @Transactional
    void retryLater(long id, Instant retryAt) {
        em.createQuery("""
                update OutboxEvent e set e.claimedUntil = :retryAt, e.publishFailures = e.publishFailures + 1
                where e.id = :id and e.sentAt is null""")
                .setParameter("retryAt", retryAt)
                .setParameter("id", id)
                .executeUpdate();
    }

    /** The broker refuses this record for good: kept, but no longer published, until an operator retries it. */
    @Transactional
    void setAside(long id, Instant at, String reason) {
        em.createQuery("""
                update OutboxEvent e set e.setAsideAt = :at, e.setAsideReason = :reason, e.claimedUntil = null,
                e.publishFailures = e.publishFailures + 1 where e.id = :id and e.sentAt is null""")
                .setParameter("at", at)
                .setParameter("reason", reason)
                .setParameter("id", id)
                .executeUpdate();
    }

    /** The events set aside, oldest first. */
    @Transactional
    List<SetAsideResult> setAside(int limit) {
        return em.createQuery("""
                select new com.gempix2.orchestrator.result.SetAsideResult(e.requestId, e.ceId, e.createdAt,
                    e.setAsideAt, e.setAsideReason)
                from OutboxEvent e where e.setAsideAt is not null and e.sentAt is null order by e.setAsideAt, e.id""",
                SetAsideResult.class)
                .setMaxResults(limit)
                .getResultList();
    }

    @Transactional
    long countSetAside() {
        return em.createQuery("select count(e) from OutboxEvent e where e.setAsideAt is not null and e.sentAt is null",
                Long.class).getSingleResult();
    }

    /** Puts the set-aside result of {@code requestId} back in line; false when none is set aside. */
    @Transactional
    boolean retry(String requestId) {
        return em.createQuery("""
                update OutboxEvent e set e.setAsideAt = null, e.setAsideReason = null, e.claimedUntil = null
                where e.requestId = :requestId and e.setAsideAt is not null and e.sentAt is null""")
                .setParameter("requestId", requestId)
                .executeUpdate() > 0;
    }

    /** The unsent events and how long the oldest of them has waited (zero when none wait). */
    @Transactional
    Backlog backlog(Instant now) {
        Object[] row = em.createQuery(
                "select count(e), min(e.createdAt) from OutboxEvent e where e.sentAt is null and e.setAsideAt is null",
                Object[].class).getSingleResult();
        Instant oldest = (Instant) row[1];
        return new Backlog((Long) row[0], oldest == null ? Duration.ZERO : Duration.between(oldest, now));
    }

    record Backlog(long events, Duration oldestAge) {
    }
}
