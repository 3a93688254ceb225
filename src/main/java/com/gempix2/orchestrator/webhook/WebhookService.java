package com.gempix2.orchestrator.webhook;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.MDC;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gempix2.orchestrator.http.ApiException;
import com.gempix2.orchestrator.http.Tokens;
import com.gempix2.orchestrator.job.JobService;
import com.gempix2.orchestrator.job.WebhookDecision;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;

/**
 * Checks a webhook's token, size, type and shape, then hands its outcome to the job with that
 * uuid. Nothing changes unless every check passes. Tokens are checked in constant time and never logged.
 */
@ApplicationScoped
public class WebhookService {

    /** What the receiver answers: {@code outcome} is applied, already-finished, parked or ignored. */
    public record Receipt(String outcome, @JsonIgnore int httpStatus) {
    }

    private final JobService jobs;
    private final WebhookConfig config;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;
    private final Tokens tokens;
    private final Set<String> unknownEvents = ConcurrentHashMap.newKeySet();

    WebhookService(JobService jobs, WebhookConfig config, ObjectMapper mapper, MeterRegistry registry) {
        this.jobs = jobs;
        this.config = config;
        this.mapper = mapper;
        this.registry = registry;
        this.tokens = Tokens.of(config.webhookTokens().orElse(List.of()));
        if (tokens.isEmpty()) {
            Log.warn("GEMPIX2_WEBHOOK_TOKENS is not set: every webhook will be refused with 401");
        }
    }

    Receipt receive(String token, String contentType, byte[] body) {
        try {
            Receipt receipt = handle(token, contentType, body);
            count(receipt.outcome());
            return receipt;
        } catch (ApiException e) {
            count(e.code());
            throw e;
        }
    }

    private Receipt handle(String token, String contentType, byte[] body) {
        if (!tokens.accepts(token)) {
            throw new ApiException(401, "unauthorized", "missing or wrong webhook token");
        }
        if (body != null && body.length > config.webhook().maxBodyBytes()) {
            throw new ApiException(413, "payload-too-large",
                    "webhook body over " + config.webhook().maxBodyBytes() + " bytes");
        }
        if (contentType != null && !contentType.toLowerCase().startsWith(MediaType.APPLICATION_JSON)) {
            throw new ApiException(415, "unsupported-media-type", "webhooks must be application/json");
        }
        WebhookPayload payload = WebhookPayload.read(parse(body), config.allowHttp());
        if (!payload.recognised()) {
            if (unknownEvents.add(payload.event())) {
                Log.errorf("Ignoring webhooks of unknown event type '%s'", payload.event());
            }
            return new Receipt("ignored", 202);
        }
        MDC.put("uuid", payload.uuid());
        try {
            WebhookDecision decision = jobs.applyWebhook(payload.uuid(), payload.outcome());
            Log.infof("Webhook %s for %s: %s", payload.event(), payload.uuid(), decision);
            return switch (decision) {
                case APPLIED -> new Receipt("applied", 200);
                case ALREADY_FINISHED -> new Receipt("already-finished", 200);
                case PARKED -> new Receipt("parked", 202);
            };
        } finally {
            MDC.remove("uuid");
        }
    }

    private com.fasterxml.jackson.databind.JsonNode parse(byte[] body) {
        try {
            return body == null || body.length == 0 ? null : mapper.readTree(body);
        } catch (IOException e) {
            throw new ApiException(400, "malformed-webhook", "body is not JSON");
        }
    }

    @Scheduled(every = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void dropStaleParkedWebhooks() {
        int dropped = jobs.dropParkedBefore(config.webhook().parkTtl());
        if (dropped > 0) {
            Log.infof("Dropped %d parked webhooks that matched no job within %s", dropped, config.webhook().parkTtl());
        }
    }

    private void count(String outcome) {
        registry.counter("gempix2.webhooks", "outcome", outcome).increment();
    }
}
