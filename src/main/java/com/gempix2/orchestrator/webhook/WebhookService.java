package com.gempix2.orchestrator.webhook;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.MDC;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gempix2.orchestrator.config.WebhookConfig;
import com.gempix2.orchestrator.http.ApiException;
import com.gempix2.orchestrator.job.CompletedVia;
import com.gempix2.orchestrator.job.ErrorCodes;
import com.gempix2.orchestrator.job.IncomingWebhook;
import com.gempix2.orchestrator.job.Outcome;
import com.gempix2.orchestrator.job.WebhookDecision;
import com.gempix2.orchestrator.job.WebhookJobs;
import com.gempix2.orchestrator.provider.Gempix2Client;
import com.gempix2.orchestrator.provider.GenerationStatus;
import com.gempix2.orchestrator.provider.UpstreamAnswer;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;

/**
 * Checks an authenticated webhook's size, type, signature and shape, then hands its outcome to the
 * job with that uuid, confirming it with Gempix2 first where the policy asks. Nothing
 * changes unless every check passes. ({@link WebhookGate} has checked the token already.)
 */
@ApplicationScoped
public class WebhookService {

    /** What the receiver answers: {@code outcome} is applied, already-finished, parked, ignored, ... */
    public record Receipt(String outcome, @JsonIgnore int httpStatus) {
    }

    private final WebhookJobs jobs;
    private final WebhookInbox inbox;
    private final Gempix2Client client;
    private final WebhookConfig config;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;
    private final Signatures signatures;
    private final ImageUrls imageUrls;
    private static final int MAX_UNKNOWN_EVENTS_LOGGED = 100;

    private final Set<String> unknownEvents = ConcurrentHashMap.newKeySet();

    WebhookService(WebhookJobs jobs, WebhookInbox inbox, Gempix2Client client, WebhookConfig config,
            ObjectMapper mapper,
            MeterRegistry registry, ImageUrls imageUrls) {
        this.jobs = jobs;
        this.inbox = inbox;
        this.client = client;
        this.config = config;
        this.mapper = mapper;
        this.registry = registry;
        this.signatures = new Signatures(config.webhookSigningSecret());
        this.imageUrls = imageUrls;
    }

    Receipt receive(Map<String, List<String>> headers, String contentType, byte[] body) {
        try {
            Receipt receipt = handle(headers, contentType, body == null ? new byte[0] : body);
            count(receipt.outcome());
            return receipt;
        } catch (ApiException e) {
            count(e.code());
            throw e;
        }
    }

    private Receipt handle(Map<String, List<String>> headers, String contentType, byte[] body) {
        if (body.length > config.webhook().maxBodyBytes()) {
            throw new ApiException(413, "payload-too-large",
                    "webhook body over " + config.webhook().maxBodyBytes() + " bytes");
        }
        if (contentType != null && !contentType.toLowerCase().startsWith(MediaType.APPLICATION_JSON)) {
            throw new ApiException(415, "unsupported-media-type", "webhooks must be application/json");
        }
        Signatures.Check signature = signatures.check(headers, body);
        WebhookPayload payload = WebhookPayload.read(parse(body), imageUrls.allowsHttp());
        if (!payload.recognised()) {
            // Logged once per name, for a bounded number of names: a sender cannot fill memory with them.
            if (unknownEvents.size() < MAX_UNKNOWN_EVENTS_LOGGED && unknownEvents.add(payload.event())) {
                Log.errorf("Ignoring webhooks of unknown event type '%s'", payload.event());
            }
            return new Receipt("ignored", 202);
        }
        Outcome outcome = payload.outcome();
        if (outcome.imageUrl() != null && imageUrls.problem(outcome.imageUrl()) != null) {
            throw new ApiException(400, "image-host-not-allowed", imageUrls.problem(outcome.imageUrl()));
        }
        MDC.put("uuid", payload.uuid());
        try {
            boolean confirm = switch (config.webhookConfirm()) {
                case NEVER -> false;
                case ALWAYS -> true;
                case WHEN_UNSIGNED -> !signature.signed();
            };
            if (confirm && running(payload.uuid())) {
                Optional<Outcome> confirmed = confirm(payload.uuid());
                if (confirmed.isEmpty()) {
                    jobs.pollNow(payload.uuid());
                    return new Receipt("confirming", 202);
                }
                outcome = confirmed.get();
                confirm = false;
            }
            WebhookDecision decision = inbox.receive(
                    new IncomingWebhook(payload.uuid(), outcome, signature.deliveryId(), confirm),
                    config.webhook().parkMax());
            Log.infof("Webhook %s for %s: %s", payload.event(), payload.uuid(), decision);
            return switch (decision) {
                case APPLIED -> new Receipt("applied", 200);
                case ALREADY_FINISHED -> new Receipt("already-finished", 200);
                case DUPLICATE_DELIVERY -> new Receipt("duplicate-delivery", 200);
                case PARKED -> new Receipt("parked", 202);
                case CONFIRMING -> new Receipt("confirming", 202);
                case PARK_FULL -> throw new ApiException(503, "park-full",
                        "too many webhooks for unknown generations are waiting; try again later");
            };
        } finally {
            MDC.remove("uuid");
        }
    }

    private boolean running(String uuid) {
        return jobs.statusOfUuid(uuid).map(status -> !status.isTerminal()).orElse(false);
    }

    /** Gempix2's own word on a completion: its status, with the imageUrl from there; empty if it cannot say now. */
    private Optional<Outcome> confirm(String uuid) {
        UpstreamAnswer answer = client.status(uuid);
        if (!answer.ok()) {
            confirmation("unavailable");
            return Optional.empty();
        }
        GenerationStatus status = Gempix2Client.statusOf(answer);
        return switch (status.state()) {
            case COMPLETED -> {
                String problem = imageUrls.refuse(status.imageUrl(), "confirmation");
                if (problem != null) {
                    // Not trusted, not published: the job is polled until Gempix2 gives a usable one or its wait ends.
                    Log.warnf("Gempix2 confirmed %s with an unusable imageUrl (%s)", uuid, problem);
                    confirmation("unusable");
                    yield Optional.empty();
                }
                confirmation("confirmed");
                yield Optional.of(Outcome.completed(status.imageUrl(), CompletedVia.WEBHOOK));
            }
            case FAILED -> {
                confirmation("contradicted");
                yield Optional.of(Outcome.failed(ErrorCodes.SERVER_ERROR,
                        status.error() == null ? "Gempix2 reported the generation as failed" : status.error(),
                        CompletedVia.WEBHOOK));
            }
            default -> {
                confirmation("not-yet");
                yield Optional.empty();
            }
        };
    }

    private JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? null : mapper.readTree(body);
        } catch (IOException e) {
            throw new ApiException(400, "malformed-webhook", "body is not JSON");
        }
    }

    @Scheduled(every = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void dropStaleParkedWebhooks() {
        int dropped = inbox.dropParkedBefore(config.webhook().parkTtl());
        if (dropped > 0) {
            Log.infof("Dropped %d parked webhooks that matched no job within %s", dropped, config.webhook().parkTtl());
        }
    }

    private void count(String outcome) {
        registry.counter("gempix2.webhooks", "outcome", outcome).increment();
    }

    private void confirmation(String result) {
        registry.counter("gempix2.webhook.confirmations", "result", result).increment();
    }
}
