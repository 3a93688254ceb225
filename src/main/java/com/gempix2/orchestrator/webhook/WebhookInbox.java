package com.gempix2.orchestrator.webhook;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import com.gempix2.orchestrator.job.EarlyWebhooks;
import com.gempix2.orchestrator.job.IncomingWebhook;
import com.gempix2.orchestrator.job.WebhookDecision;
import com.gempix2.orchestrator.job.WebhookJobs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Where a checked webhook is taken in, in one transaction under its uuid's lock: a signed delivery is taken once
 * (its {@code webhook-id} is remembered), and one that names no job yet is parked until the submit answer that
 * stores its uuid takes it ({@link EarlyWebhooks}).
 */
@ApplicationScoped
class WebhookInbox implements EarlyWebhooks {

    private final WebhookJobs jobs;
    private final EntityManager em;
    private final Clock clock;

    WebhookInbox(WebhookJobs jobs, EntityManager em, Clock clock) {
        this.jobs = jobs;
        this.em = em;
        this.clock = clock;
    }

    /** Applies the webhook to its job, or parks it (at most {@code parkMax} are parked) while it names none. */
    @Transactional
    WebhookDecision receive(IncomingWebhook webhook, int parkMax) {
        jobs.lockUuid(webhook.uuid());
        if (webhook.deliveryId() != null && em.find(WebhookDelivery.class, webhook.deliveryId()) != null) {
            return WebhookDecision.DUPLICATE_DELIVERY;
        }
        WebhookDecision decision = jobs.apply(webhook).orElseGet(() -> park(webhook, parkMax));
        // Only a delivery that was taken in is remembered: one refused (503) must be taken when it is sent again.
        if (webhook.deliveryId() != null && decision != WebhookDecision.PARK_FULL) {
            em.persist(new WebhookDelivery(webhook.deliveryId(), clock.instant()));
        }
        return decision;
    }

    private WebhookDecision park(IncomingWebhook webhook, int parkMax) {
        if (em.find(ParkedWebhook.class, webhook.uuid()) != null) {
            return WebhookDecision.PARKED;
        }
        long parked = em.createQuery("select count(p) from ParkedWebhook p", Long.class).getSingleResult();
        if (parked >= parkMax) {
            return WebhookDecision.PARK_FULL;
        }
        em.persist(new ParkedWebhook(webhook, clock.instant()));
        return WebhookDecision.PARKED;
    }

    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<IncomingWebhook> take(String uuid) {
        ParkedWebhook parked = em.find(ParkedWebhook.class, uuid);
        if (parked == null) {
            return Optional.empty();
        }
        em.remove(parked);
        return Optional.of(parked.webhook());
    }

    /**
     * Drops parked webhooks older than {@code ttl}: their uuid belongs to no job of ours. (Delivery ids of signed
     * webhooks go with the retention, {@code gempix2.retention.webhook-deliveries}.)
     */
    @Transactional
    int dropParkedBefore(Duration ttl) {
        return em.createQuery("delete from ParkedWebhook p where p.receivedAt < ?1")
                .setParameter(1, clock.instant().minus(ttl))
                .executeUpdate();
    }
}
