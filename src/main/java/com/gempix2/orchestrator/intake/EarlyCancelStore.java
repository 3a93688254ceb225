package com.gempix2.orchestrator.intake;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.gempix2.orchestrator.job.EarlyCancels;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/** The cancels that came before their request, in table {@code early_cancel} (purged by the retention). */
@ApplicationScoped
class EarlyCancelStore implements EarlyCancels {

    private final EntityManager em;
    private final Clock clock;

    EarlyCancelStore(EntityManager em, Clock clock) {
        this.em = em;
        this.clock = clock;
    }

    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public void remember(String requestId) {
        if (em.find(EarlyCancel.class, requestId) == null) {
            em.persist(new EarlyCancel(requestId, clock.instant()));
        }
    }

    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public Set<String> take(List<String> requestIds) {
        if (requestIds.isEmpty()) {
            return Set.of();
        }
        // One statement for the whole batch: a delete that names what it removed.
        return new HashSet<>(em
                .createNativeQuery("delete from early_cancel where request_id in (:ids) returning request_id")
                .setParameter("ids", requestIds)
                .getResultList());
    }
}
