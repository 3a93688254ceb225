package com.gempix2.orchestrator.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gempix2.orchestrator.job.Job;
import com.gempix2.orchestrator.job.JobFinished;
import com.gempix2.orchestrator.job.JobSpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

/** Turns a finished job into its result event, in the transaction that finished it. */
@ApplicationScoped
class OutboxWriter {

    private final EntityManager em;
    private final ObjectMapper mapper;

    OutboxWriter(EntityManager em, ObjectMapper mapper) {
        this.em = em;
        this.mapper = mapper;
    }

    void onFinished(@Observes JobFinished finished) {
        Job job = finished.job();
        String status = job.status().wireName();
        // A request without a usable requestId is answered under its record key, with requestId null.
        boolean keyed = JobSpec.isKeyed(job.requestId());
        ResultEvent result = new ResultEvent(
                keyed ? null : job.requestId(),
                status,
                job.uuid(),
                job.resultImageUrl(),
                job.errorCode() == null ? null : new ResultEvent.Error(job.errorCode(), job.errorMessage()),
                job.attempts(),
                job.completedVia() == null ? null : job.completedVia().wireName(),
                job.metadata() == null ? "{}" : job.metadata(),
                job.receivedAt(),
                job.submittedAt(),
                job.finishedAt());
        OutboxEvent event = new OutboxEvent();
        event.requestId = job.requestId();
        event.recordKey = job.recordKey() == null ? job.requestId() : job.recordKey();
        event.ceId = (keyed ? job.recordKey() : job.requestId()) + ":" + status;
        event.ceType = "gempix2.image." + status;
        event.payload = toJson(result);
        event.createdAt = job.finishedAt();
        em.persist(event);
    }

    private String toJson(ResultEvent result) {
        try {
            return mapper.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("result event of " + result.requestId() + " cannot be written", e);
        }
    }
}
