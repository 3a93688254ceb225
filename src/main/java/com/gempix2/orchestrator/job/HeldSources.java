package com.gempix2.orchestrator.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.gempix2.orchestrator.config.SourceConfig;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * Source images' bytes waiting for their upload, in a table of their own so that no listing of jobs loads them.
 * Capped in all and per tenant; the caps are checked and the bytes stored under one advisory lock, so that
 * replicas storing at once cannot overshoot them. Used inside the transactions of this package's services.
 *
 * <p>SQL rather than an entity: the advisory lock and the filtered sums have no JPQL, and the rows are written,
 * read and deleted whole by job id, never changed, so a mapped {@code byte[]} in the persistence context would only
 * keep megabytes in memory until the transaction ends.
 */
@ApplicationScoped
class HeldSources {

    /** Advisory-lock namespace for "the held source bytes". */
    private static final int LOCK_SPACE = 7005;

    private final EntityManager em;
    private final SourceConfig config;

    HeldSources(EntityManager em, SourceConfig config) {
        this.em = em;
        this.config = config;
    }

    /** Stores {@code bytes} for {@code job} when both caps leave room; false when they do not. */
    boolean store(Job job, byte[] bytes, Instant now) {
        em.createNativeQuery("select pg_advisory_xact_lock(?1, 0)").setParameter(1, LOCK_SPACE).getSingleResult();
        Object[] held = (Object[]) em.createNativeQuery("""
                select coalesce(sum(size), 0), coalesce(sum(size) filter (where tenant = ?1), 0) from source_image""")
                .setParameter(1, job.tenant())
                .getSingleResult();
        long total = ((Number) held[0]).longValue();
        long tenant = ((Number) held[1]).longValue();
        if (total + bytes.length > config.source().heldMaxBytes()
                || tenant + bytes.length > config.source().heldMaxBytesPerTenant()) {
            return false;
        }
        em.createNativeQuery("""
                insert into source_image (job_id, tenant, size, bytes, stored_at) values (?1, ?2, ?3, ?4, ?5)""")
                .setParameter(1, job.id())
                .setParameter(2, job.tenant())
                .setParameter(3, bytes.length)
                .setParameter(4, bytes)
                .setParameter(5, now)
                .executeUpdate();
        return true;
    }

    /** Whether an image of {@code size} bytes fits under the caps at all, with nothing else held. */
    boolean couldEverHold(long size) {
        return size <= config.source().heldMaxBytes() && size <= config.source().heldMaxBytesPerTenant();
    }

    @SuppressWarnings("unchecked")
    Optional<byte[]> bytesOf(long jobId) {
        List<byte[]> found = em.createNativeQuery("select bytes from source_image where job_id = ?1")
                .setParameter(1, jobId)
                .getResultList();
        return found.stream().findFirst();
    }

    void delete(long jobId) {
        em.createNativeQuery("delete from source_image where job_id = ?1").setParameter(1, jobId).executeUpdate();
    }
}
