package com.gempix2.orchestrator.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import com.gempix2.orchestrator.job.ClaimedJob;
import com.gempix2.orchestrator.job.DispatchJobs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Source images uploaded to Gempix2, by the SHA-256 of their bytes, in table {@code uploaded_source} (purged by
 * the retention): the same bytes are uploaded once within {@code gempix2.source.reuse-for}.
 */
@ApplicationScoped
class UploadedSources {

    private final DispatchJobs jobs;
    private final EntityManager em;
    private final Clock clock;

    UploadedSources(DispatchJobs jobs, EntityManager em, Clock clock) {
        this.jobs = jobs;
        this.em = em;
        this.clock = clock;
    }

    /** An upload of the same bytes within {@code ttl}, whose imageUrl and imageKey can be used again. */
    @Transactional
    Optional<UploadedSource> within(String sha256, Duration ttl) {
        return Optional.ofNullable(em.find(UploadedSource.class, sha256))
                .filter(upload -> upload.uploadedAt().isAfter(clock.instant().minus(ttl)));
    }

    /** Records an upload and makes its job ready to generate from it, in one transaction. */
    @Transactional
    void uploaded(ClaimedJob claim, String sha256, String imageUrl, String imageKey) {
        // An upsert: two replicas may upload the same bytes at once, and the later upload simply replaces the
        // earlier.
        em.createNativeQuery("""
                insert into uploaded_source (sha256, image_url, image_key, uploaded_at) values (?1, ?2, ?3, ?4)
                on conflict (sha256) do update set image_url = excluded.image_url, image_key = excluded.image_key,
                uploaded_at = excluded.uploaded_at""")
                .setParameter(1, sha256)
                .setParameter(2, imageUrl)
                .setParameter(3, imageKey)
                .setParameter(4, clock.instant())
                .executeUpdate();
        jobs.sourceReady(claim, imageUrl, imageKey);
    }
}
