package com.gempix2.orchestrator.admin;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

import com.gempix2.orchestrator.http.ApiError;
import com.gempix2.orchestrator.http.ApiException;
import com.gempix2.orchestrator.job.CancelDecision;
import com.gempix2.orchestrator.job.IntakeJobs;
import com.gempix2.orchestrator.job.Job;
import com.gempix2.orchestrator.job.JobStatus;
import com.gempix2.orchestrator.job.OperatorJobs;
import com.gempix2.orchestrator.quota.BudgetView;
import com.gempix2.orchestrator.quota.RateBudget;
import com.gempix2.orchestrator.result.ResultPublisher;
import com.gempix2.orchestrator.result.SetAsideResult;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * The operator API, on its own port ({@link OperatorPort}): jobs by requestId or status, cancel, retry now, results
 * set aside, and pausing or resuming submissions. A {@code viewer} reads; an {@code operator} also changes, and every
 * change is audited ({@link OperatorAudit}). Who holds which role is {@link OperatorTokens}'s business.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({OperatorCredentials.VIEWER, OperatorCredentials.OPERATOR})
@SecurityScheme(securitySchemeName = AdminResource.SCHEME, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "A secret of GEMPIX2_OPERATOR_TOKENS; the viewer role reads, the operator role also changes")
@SecurityRequirement(name = AdminResource.SCHEME)
@APIResponse(responseCode = "401", description = "No operator token, or a wrong one",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
@APIResponse(responseCode = "403", description = "The token's role may not do this (a viewer changing something)",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
public class AdminResource {

    static final String SCHEME = "operator-token";

    /** A job as an operator sees it. */
    public record JobView(String requestId, String status, String tenant, String priority, String uuid, int attempts,
            int polls, boolean cancelRequested, Instant receivedAt, Instant submittedAt, Instant finishedAt,
            Integer errorCode, String errorMessage) {
    }

    /** What a cancel did. */
    public record CancelView(String requestId, String decision) {
    }

    private final OperatorJobs jobs;
    private final IntakeJobs intake;
    private final RateBudget budget;
    private final ResultPublisher results;

    AdminResource(OperatorJobs jobs, IntakeJobs intake, RateBudget budget, ResultPublisher results) {
        this.jobs = jobs;
        this.intake = intake;
        this.budget = budget;
        this.results = results;
    }

    @GET
    @Path("/jobs/{requestId}")
    @APIResponse(responseCode = "404", description = "No job with that requestId")
    public JobView job(@PathParam("requestId") String requestId) {
        return jobs.find(requestId).map(AdminResource::view)
                .orElseThrow(() -> new ApiException(404, "not-found", "no job with that requestId"));
    }

    @GET
    @Path("/jobs")
    @APIResponse(responseCode = "400", description = "An unknown status or a limit outside 1-500")
    public List<JobView> jobs(@QueryParam("status") String status, @QueryParam("limit") @DefaultValue("50") int limit) {
        JobStatus wanted = Arrays.stream(JobStatus.values()).filter(s -> s.wireName().equals(status)).findFirst()
                .orElseThrow(() -> new ApiException(400, "bad-request", "status: must be one of "
                        + Arrays.stream(JobStatus.values()).map(JobStatus::wireName).toList()));
        if (limit < 1 || limit > 500) {
            throw new ApiException(400, "bad-request", "limit: must be between 1 and 500");
        }
        return jobs.newest(wanted, limit).stream().map(AdminResource::view).toList();
    }

    @POST
    @Path("/jobs/{requestId}/retry")
    @RolesAllowed(OperatorCredentials.OPERATOR)
    @OperatorAction("retry")
    @APIResponse(responseCode = "409",
            description = "No queued job with that requestId: a finished job is never retried")
    public JobView retry(@PathParam("requestId") String requestId) {
        if (!jobs.retryNow(requestId)) {
            throw new ApiException(409, "not-queued",
                    "only a queued job can be retried: a finished one has its result");
        }
        return job(requestId);
    }

    @POST
    @Path("/jobs/{requestId}/cancel")
    @RolesAllowed(OperatorCredentials.OPERATOR)
    @OperatorAction("cancel")
    public CancelView cancel(@PathParam("requestId") String requestId) {
        // The same cancel as a message on the cancellations topic.
        CancelDecision decision = intake.cancel(requestId);
        return new CancelView(requestId, decision.name().toLowerCase().replace('_', '-'));
    }

    /** Result events the broker refused for good (too large, invalid), oldest first. */
    @GET
    @Path("/results/set-aside")
    public List<SetAsideResult> setAsideResults(@QueryParam("limit") @DefaultValue("50") int limit) {
        if (limit < 1 || limit > 500) {
            throw new ApiException(400, "bad-request", "limit: must be between 1 and 500");
        }
        return results.setAside(limit);
    }

    /** Publishes a set-aside result again, once its cause is fixed (the topic's size limit raised, say). */
    @POST
    @Path("/results/{requestId}/retry")
    @RolesAllowed(OperatorCredentials.OPERATOR)
    @OperatorAction("retry-result")
    @APIResponse(responseCode = "404", description = "No result of that requestId is set aside")
    public void retryResult(@PathParam("requestId") String requestId) {
        if (!results.retrySetAside(requestId)) {
            throw new ApiException(404, "not-set-aside", "no result of that requestId is set aside");
        }
    }

    @GET
    @Path("/upstream")
    public BudgetView upstream() {
        return budget.view();
    }

    @POST
    @Path("/upstream/pause")
    @RolesAllowed(OperatorCredentials.OPERATOR)
    @OperatorAction("pause")
    public BudgetView pause() {
        return budget.pauseByOperator();
    }

    @POST
    @Path("/upstream/resume")
    @RolesAllowed(OperatorCredentials.OPERATOR)
    @OperatorAction("resume")
    public BudgetView resume() {
        return budget.resumeByOperator();
    }

    private static JobView view(Job job) {
        return new JobView(job.requestId(), job.status().wireName(), job.tenant(),
                job.priority().name().toLowerCase(), job.uuid(), job.attempts(), job.polls(), job.cancelRequested(),
                job.receivedAt(), job.submittedAt(), job.finishedAt(), job.errorCode(), job.errorMessage());
    }
}
