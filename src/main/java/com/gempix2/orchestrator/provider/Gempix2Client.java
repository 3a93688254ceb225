package com.gempix2.orchestrator.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.client.api.ClientMultipartForm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.gempix2.orchestrator.config.ProviderConfig;
import com.gempix2.orchestrator.job.ErrorCodes;
import com.gempix2.orchestrator.quota.CallKind;
import com.gempix2.orchestrator.quota.Feedback;
import com.gempix2.orchestrator.quota.Permit;
import com.gempix2.orchestrator.quota.Permits;
import com.gempix2.orchestrator.quota.RateBudget;
import com.gempix2.orchestrator.support.ImageType;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.vertx.core.buffer.Buffer;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/**
 * The one way to call Gempix2. Every call first takes a permit from the shared {@link RateBudget}
 * (which also holds the pauses every replica obeys) and passes this replica's circuit breaker; every
 * answer is classified into a {@link Verdict}, and its rate-limit headers and error code correct the
 * budget. Never throws for an upstream failure.
 */
@ApplicationScoped
public class Gempix2Client {

    /** When work deferred by an open circuit breaker is tried again; the breaker decides when calls resume. */
    private static final Duration BREAKER_RECHECK = Duration.ofSeconds(1);
    /** The largest answer body read; Gempix2's are a few hundred bytes. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final Gempix2Api api;
    private final RateBudget budget;
    private final UpstreamBreaker breaker;
    private final UpstreamState state;
    private final ProviderConfig config;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final MeterRegistry registry;
    private final String authorization;

    Gempix2Client(@RestClient Gempix2Api api, RateBudget budget, UpstreamBreaker breaker, UpstreamState state,
            ProviderConfig config, ObjectMapper mapper, Clock clock, MeterRegistry registry, ApiKey apiKey) {
        this.api = api;
        this.budget = budget;
        this.breaker = breaker;
        this.state = state;
        this.config = config;
        this.mapper = mapper;
        this.clock = clock;
        this.registry = registry;
        this.authorization = "Bearer " + apiKey.value();
    }

    /**
     * Takes up to {@code wanted} permits for submissions at once; fewer, with the reason, when the budget or a
     * pause allows no more now.
     */
    public Permits reserveSubmissions(int wanted) {
        Permits permits = budget.tryTake(CallKind.SUBMISSION, "submission", wanted);
        if (permits.denied() != null && permits.granted().isEmpty()) {
            registry.counter("gempix2.provider.deferred", "endpoint", "submission", "reason", permits.denied().cause())
                    .increment();
        }
        if (permits.granted().stream().anyMatch(Permit.Granted::probe)) {
            Log.info("Probing Gempix2 with one submission while submissions are paused");
        }
        return permits;
    }

    /** Gives back a permit that was not used for a call. */
    public void release(Permit.Granted permit) {
        budget.release(permit);
    }

    /** Gives back permits that were not used for calls. */
    public void release(java.util.List<Permit.Granted> permits) {
        budget.release(permits);
    }

    /** {@code POST /generate-image} with a permit from {@link #reserveSubmissions}: on OK, {@code data.uuid} names the generation. */
    public UpstreamAnswer generate(Permit.Granted permit, GenerateCommand command) {
        return send("generate", CallKind.SUBMISSION, permit, () -> api.generate(authorization, command));
    }

    /**
     * {@code POST /upload-image-image} (multipart field {@code file}) with a permit from
     * {@link #reserveSubmissions}: on OK, {@code data.imageUrl} and {@code data.imageKey} name the upload.
     */
    public UpstreamAnswer upload(Permit.Granted permit, byte[] image, ImageType type) {
        ClientMultipartForm form = ClientMultipartForm.create()
                .binaryFileUpload("file", "source." + type.extension(), Buffer.buffer(image), type.contentType());
        return send("upload", CallKind.SUBMISSION, permit, () -> api.upload(authorization, form));
    }

    /** {@code GET /image-status/{uuid}}, with a permit of its own. */
    public UpstreamAnswer status(String uuid) {
        Permit permit = reserve(CallKind.POLL, "status");
        if (permit instanceof Permit.Denied denied) {
            return UpstreamAnswer.deferred(denied.reason(), denied.retryAt());
        }
        return send("status", CallKind.POLL, (Permit.Granted) permit, () -> api.status(authorization, uuid));
    }

    public static GenerationStatus statusOf(UpstreamAnswer answer) {
        return GenerationStatus.from(answer.data());
    }

    /**
     * Whether this replica's circuit breaker is open or probing: Gempix2 is failing every caller, so a failed call
     * says nothing about the job that made it.
     */
    public boolean upstreamFailing() {
        return breaker.state() != CircuitBreakerState.CLOSED;
    }

    private Permit reserve(CallKind kind, String endpoint) {
        Permit permit = budget.tryTake(kind, endpoint);
        if (permit instanceof Permit.Denied denied) {
            registry.counter("gempix2.provider.deferred", "endpoint", endpoint, "reason", denied.cause()).increment();
        } else if (((Permit.Granted) permit).probe()) {
            Log.info("Probing Gempix2 with one submission while submissions are paused");
        }
        return permit;
    }

    private UpstreamAnswer send(String endpoint, CallKind kind, Permit.Granted permit, Supplier<Response> request) {
        Timer.Sample sample = Timer.start(registry);
        UpstreamAnswer answer;
        try {
            answer = breaker.guard(() -> exchange(request, permit, kind));
        } catch (UpstreamBreaker.Outage outage) {
            answer = outage.answer();
        } catch (CircuitBreakerOpenException e) {
            // The call was not made, so the permit goes back; the breaker alone knows when to probe again.
            budget.release(permit);
            registry.counter("gempix2.provider.deferred", "endpoint", endpoint, "reason", "circuit-open").increment();
            answer = UpstreamAnswer.deferred("circuit breaker open: Gempix2 keeps failing",
                    clock.instant().plus(BREAKER_RECHECK));
        }
        if (answer.verdict() != Verdict.DEFERRED) {
            String code = switch (answer.verdict()) {
                case NOT_SENT -> "unreachable";
                case UNKNOWN -> "no-answer";
                default -> Integer.toString(answer.code());
            };
            sample.stop(registry.timer("gempix2.provider.calls", "endpoint", endpoint, "code", code));
        }
        return answer;
    }

    private UpstreamAnswer exchange(Supplier<Response> request, Permit.Granted permit, CallKind kind) {
        try (Response response = request.get()) {
            state.answered();
            return read(response, permit, kind);
        } catch (WebApplicationException e) {
            state.answered();
            return read(e.getResponse(), permit, kind);
        } catch (ProcessingException e) {
            state.unreachable();
            budget.feedback(permit, Feedback.NO_ANSWER);
            return neverSent(e)
                    ? UpstreamAnswer.notSent("connection failed: " + rootMessage(e))
                    : UpstreamAnswer.unknown("no answer: " + rootMessage(e));
        }
    }

    private UpstreamAnswer read(Response response, Permit.Granted permit, CallKind kind) {
        Instant now = clock.instant();
        RateLimitHeaders limits = RateLimitHeaders.parse(response::getHeaderString, now);
        JsonNode body = parse(response);
        boolean envelope = body.path("code").canConvertToInt();
        int code = envelope ? body.path("code").asInt() : ErrorCodes.SERVER_ERROR;
        String message = body.path("msg").isTextual() ? body.path("msg").asText()
                : "HTTP " + response.getStatus() + " without a Gempix2 envelope";
        UpstreamAnswer answer = new UpstreamAnswer(classify(code), code, message, body.path("data"),
                limits.resumeAt());
        Feedback.Signal signal = Feedback.Signal.NONE;
        Instant callsPausedUntil = null;
        switch (answer.verdict()) {
            case RATE_LIMITED -> {
                // A resume time already past (clock skew, Retry-After: 0) must not let the next call straight through.
                callsPausedUntil = limits.resumeAt().filter(at -> at.isAfter(now))
                        .orElse(now.plus(config.rateLimitedBackoff()));
                signal = Feedback.Signal.RATE_LIMITED;
                Log.warnf("Gempix2 answered 1003: every call paused until %s", callsPausedUntil);
            }
            case NO_CREDITS -> {
                signal = Feedback.Signal.NO_CREDITS;
                Log.warnf("Gempix2 answered 1001 (%s): submissions paused, a probe follows", answer.data());
            }
            case AUTH_FAILED -> {
                signal = Feedback.Signal.AUTH_FAILED;
                Log.errorf("Gempix2 refused the API key (1002): check GEMPIX2_API_KEY. Submissions paused until "
                        + "a probe succeeds or an operator resumes them");
            }
            case OK ->
                signal = kind == CallKind.SUBMISSION ? Feedback.Signal.SUBMISSION_ACCEPTED : Feedback.Signal.NONE;
            default -> {
            }
        }
        Integer remaining = asInt(limits.remaining());
        // Remaining without a reset holds for a backoff: long enough not to overrun, short enough to recover.
        Instant remainingUntil = remaining == null ? null
                : limits.reset().orElse(now.plus(config.rateLimitedBackoff()));
        budget.feedback(permit, new Feedback(asInt(limits.limit()), remaining, remainingUntil, signal, callsPausedUntil,
                envelope));
        return answer;
    }

    private JsonNode parse(Response response) {
        if (!response.hasEntity()) {
            return MissingNode.getInstance();
        }
        // Gempix2's answers are a few hundred bytes: a larger one is not read, and counts as no envelope.
        if (response.getLength() > MAX_ANSWER_BYTES) {
            return MissingNode.getInstance();
        }
        byte[] bytes = response.readEntity(byte[].class);
        if (bytes == null || bytes.length == 0 || bytes.length > MAX_ANSWER_BYTES) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = mapper.readTree(bytes);
            return node != null && node.isObject() ? node : MissingNode.getInstance();
        } catch (java.io.IOException e) {
            return MissingNode.getInstance();
        }
    }

    static Verdict classify(int code) {
        return switch (code) {
            case 0 -> Verdict.OK;
            case ErrorCodes.INVALID_PARAMETERS -> Verdict.INVALID;
            case ErrorCodes.INSUFFICIENT_CREDITS -> Verdict.NO_CREDITS;
            case ErrorCodes.AUTHENTICATION_FAILED -> Verdict.AUTH_FAILED;
            case ErrorCodes.RATE_LIMITED -> Verdict.RATE_LIMITED;
            default -> Verdict.SERVER_ERROR;
        };
    }

    private static Integer asInt(java.util.OptionalLong value) {
        return value.isPresent() ? (int) Math.min(Integer.MAX_VALUE, value.getAsLong()) : null;
    }

    /** A refused or timed-out connect means the request never left; anything later may have reached Gempix2. */
    private static boolean neverSent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : " " + root.getMessage());
    }
}
