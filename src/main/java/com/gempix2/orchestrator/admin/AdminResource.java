package com.gempix2.orchestrator.admin;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import com.gempix2.orchestrator.http.ApiException;
import com.gempix2.orchestrator.http.Tokens;
import com.gempix2.orchestrator.job.CancelDecision;
import com.gempix2.orchestrator.job.Job;
import com.gempix2.orchestrator.job.JobRepository;
import com.gempix2.orchestrator.job.JobService;
import com.gempix2.orchestrator.job.JobStatus;
import com.gempix2.orchestrator.quota.BudgetView;
import com.gempix2.orchestrator.quota.RateBudget;
import com.gempix2.orchestrator.result.ResultPublisher;
import com.gempix2.orchestrator.result.SetAsideResult;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * The operator API: jobs by requestId or status, cancel, retry now, and pausing or resuming submissions.
 * Bearer token required ({@code GEMPIX2_ADMIN_TOKENS}).
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    /** A job as an operator sees it. */
    public record JobView(String requestId, String status, String tenant, String priority, String uuid, int attempts,
            int polls, boolean cancelRequested, Instant receivedAt, Instant submittedAt, Instant finishedAt,
            Integer errorCode, String errorMessage) {
    }

    /** What a cancel did. */
    public record CancelView(String requestId, String decision) {
    }

    private final JobRepository jobs;
    private final JobService service;
    private final RateBudget budget;
    private final ResultPublisher results;
    private final Tokens tokens;

    AdminResource(JobRepository jobs, JobService service, RateBudget budget, ResultPublisher results,
            AdminConfig config) {
        this.jobs = jobs;
        this.service = service;
        this.budget = budget;
        this.results = results;
        this.tokens = Tokens.of(config.tokens().orElse(List.of()));
    }

    @GET
    @Path("/jobs/{requestId}")
    public JobView job(@HeaderParam("Authorization") String authorization, @PathParam("requestId") String requestId) {
        authorise(authorization);
        return QuarkusTransaction.requiringNew().call(() -> jobs.findByRequestId(requestId).map(AdminResource::view))
                .orElseThrow(() -> new ApiException(404, "not-found", "no job with that requestId"));
    }

    @GET
    @Path("/jobs")
    public List<JobView> jobs(@HeaderParam("Authorization") String authorization, @QueryParam("status") String status,
            @QueryParam("limit") @DefaultValue("50") int limit) {
        authorise(authorization);
        JobStatus wanted = Arrays.stream(JobStatus.values()).filter(s -> s.wireName().equals(status)).findFirst()
                .orElseThrow(() -> new ApiException(400, "bad-request", "status: must be one of "
                        + Arrays.stream(JobStatus.values()).map(JobStatus::wireName).toList()));
        if (limit < 1 || limit > 500) {
            throw new ApiException(400, "bad-request", "limit: must be between 1 and 500");
        }
        return QuarkusTransaction.requiringNew().call(() -> jobs.newestIn(wanted, limit).stream()
                .map(AdminResource::view).toList());
    }

    @POST
    @Path("/jobs/{requestId}/retry")
    public JobView retry(@HeaderParam("Authorization") String authorization, @PathParam("requestId") String requestId) {
        authorise(authorization);
        if (!service.retryNow(requestId)) {
            throw new ApiException(409, "not-queued", "only a queued job can be retried: a finished one has its result");
        }
        return job(authorization, requestId);
    }

    @POST
    @Path("/jobs/{requestId}/cancel")
    public CancelView cancel(@HeaderParam("Authorization") String authorization,
            @PathParam("requestId") String requestId) {
        authorise(authorization);
        CancelDecision decision = service.cancel(requestId);
        Log.infof("Operator cancelled %s: %s", requestId, decision);
        return new CancelView(requestId, decision.name().toLowerCase().replace('_', '-'));
    }

    /** Result events the broker refused for good (too large, invalid), oldest first. */
    @GET
    @Path("/results/set-aside")
    public List<SetAsideResult> setAsideResults(@HeaderParam("Authorization") String authorization,
            @QueryParam("limit") @DefaultValue("50") int limit) {
        authorise(authorization);
        if (limit < 1 || limit > 500) {
            throw new ApiException(400, "bad-request", "limit: must be between 1 and 500");
        }
        return results.setAside(limit);
    }

    /** Publishes a set-aside result again, once its cause is fixed (the topic's size limit raised, say). */
    @POST
    @Path("/results/{requestId}/retry")
    public void retryResult(@HeaderParam("Authorization") String authorization,
            @PathParam("requestId") String requestId) {
        authorise(authorization);
        if (!results.retrySetAside(requestId)) {
            throw new ApiException(404, "not-set-aside", "no result of that requestId is set aside");
        }
        Log.infof("Operator put the set-aside result of %s back in line", requestId);
    }

    @GET
    @Path("/upstream")
    public BudgetView upstream(@HeaderParam("Authorization") String authorization) {
        authorise(authorization);
        return budget.view();
    }

    @POST
    @Path("/upstream/pause")
    public BudgetView pause(@HeaderParam("Authorization") String authorization) {
        authorise(authorization);
        return budget.pauseByOperator();
    }

    @POST
    @Path("/upstream/resume")
    public BudgetView resume(@HeaderParam("Authorization") String authorization) {
        authorise(authorization);
        return budget.resumeByOperator();
    }

    private void authorise(String authorization) {
        String prefix = "Bearer ";
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, prefix, 0, prefix.length());
        if (!bearer || !tokens.accepts(authorization.substring(prefix.length()).trim())) {
            throw new ApiException(401, "unauthorized", "missing or wrong operator token");
        }
    }

    private static JobView view(Job job) {
        return new JobView(job.requestId(), job.status().wireName(), job.tenant(),
                job.priority().name().toLowerCase(), job.uuid(), job.attempts(), job.polls(), job.cancelRequested(),
                job.receivedAt(), job.submittedAt(), job.finishedAt(), job.errorCode(), job.errorMessage());
    }
}
