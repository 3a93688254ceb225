package com.gempix2.orchestrator.provider;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.gempix2.orchestrator.job.ErrorCodes;
import com.gempix2.orchestrator.quota.RateBudget;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/**
 * The one way to call Gempix2. Every call first takes a permit from the shared {@link RateBudget}
 * and respects the pauses in {@link UpstreamState}; every answer is classified into a {@link Verdict}
 * and its rate-limit headers update the pauses. Never throws for an upstream failure.
 */
@ApplicationScoped
public class Gempix2Client {

    private final Gempix2Api api;
    private final RateBudget budget;
    private final UpstreamState state;
    private final ProviderConfig config;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final MeterRegistry registry;
    private final String authorization;

    Gempix2Client(@RestClient Gempix2Api api, RateBudget budget, UpstreamState state, ProviderConfig config,
            ObjectMapper mapper, Clock clock, MeterRegistry registry, ApiKey apiKey) {
        this.api = api;
        this.budget = budget;
        this.state = state;
        this.config = config;
        this.mapper = mapper;
        this.clock = clock;
        this.registry = registry;
        this.authorization = "Bearer " + apiKey.value();
    }

    /** {@code POST /generate-image}: on OK, {@code data.uuid} names the generation. */
    public UpstreamAnswer generate(GenerateCommand command) {
        return call("generate", true, () -> api.generate(authorization, command));
    }

    /** {@code GET /image-status/{uuid}}. */
    public UpstreamAnswer status(String uuid) {
        return call("status", false, () -> api.status(authorization, uuid));
    }

    public static GenerationStatus statusOf(UpstreamAnswer answer) {
        return GenerationStatus.from(answer.data());
    }

    private UpstreamAnswer call(String endpoint, boolean submission, Supplier<Response> request) {
        Optional<UpstreamState.Pause> pause = submission ? state.submissionPause() : state.callPause();
        if (pause.isPresent()) {
            return deferred(endpoint, "paused",
                    UpstreamAnswer.deferred("calls paused: " + pause.get().reason(), pause.get().until()));
        }
        Optional<Instant> noPermitUntil = budget.tryTake(endpoint);
        if (noPermitUntil.isPresent()) {
            return deferred(endpoint, "quota", UpstreamAnswer.deferred("rate budget used up", noPermitUntil.get()));
        }
        Timer.Sample sample = Timer.start(registry);
        UpstreamAnswer answer;
        try (Response response = request.get()) {
            answer = read(response, submission);
            state.answered();
        } catch (WebApplicationException e) {
            answer = read(e.getResponse(), submission);
            state.answered();
        } catch (ProcessingException e) {
            state.unreachable();
            answer = neverSent(e)
                    ? UpstreamAnswer.notSent("connection failed: " + rootMessage(e))
                    : UpstreamAnswer.unknown("no answer: " + rootMessage(e));
        }
        String code = switch (answer.verdict()) {
            case NOT_SENT -> "unreachable";
            case UNKNOWN -> "no-answer";
            default -> Integer.toString(answer.code());
        };
        sample.stop(registry.timer("gempix2.provider.calls", "endpoint", endpoint, "code", code));
        return answer;
    }

    private UpstreamAnswer deferred(String endpoint, String reason, UpstreamAnswer answer) {
        registry.counter("gempix2.provider.deferred", "endpoint", endpoint, "reason", reason).increment();
        return answer;
    }

    private UpstreamAnswer read(Response response, boolean submission) {
        Instant now = clock.instant();
        RateLimitHeaders limits = RateLimitHeaders.parse(response::getHeaderString, now);
        JsonNode body = parse(response);
        int code = body.path("code").canConvertToInt() ? body.path("code").asInt() : ErrorCodes.SERVER_ERROR;
        String message = body.path("msg").isTextual() ? body.path("msg").asText()
                : "HTTP " + response.getStatus() + " without a Gempix2 envelope";
        UpstreamAnswer answer = new UpstreamAnswer(classify(code), code, message, body.path("data"),
                limits.resumeAt());
        if (limits.exhausted()) {
            limits.reset().ifPresent(reset -> state.pauseCalls(reset, "no calls remaining until the reset"));
        }
        switch (answer.verdict()) {
            case RATE_LIMITED -> {
                Instant until = limits.resumeAt().orElse(now.plus(config.rateLimitedBackoff()));
                state.pauseCalls(until, "rate limited (1003)");
                Log.warnf("Gempix2 answered 1003: calls paused until %s", until);
            }
            case NO_CREDITS -> {
                state.pauseSubmissions(now.plus(config.pauseProbeInterval()), "insufficient credits (1001)");
                Log.warnf("Gempix2 answered 1001 (%s): submissions paused, probing every %s",
                        answer.data(), config.pauseProbeInterval());
            }
            case AUTH_FAILED -> {
                state.pauseSubmissions(now.plus(config.pauseProbeInterval()), "authentication failed (1002)");
                Log.errorf("Gempix2 refused the API key (1002): check GEMPIX2_API_KEY. Submissions paused, "
                        + "probing every %s", config.pauseProbeInterval());
            }
            case OK -> {
                if (submission) {
                    state.resumeSubmissions();
                }
            }
            default -> {
            }
        }
        return answer;
    }

    private JsonNode parse(Response response) {
        if (!response.hasEntity()) {
            return MissingNode.getInstance();
        }
        String text = response.readEntity(String.class);
        if (text == null || text.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = mapper.readTree(text);
            return node != null && node.isObject() ? node : MissingNode.getInstance();
        } catch (JsonProcessingException e) {
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
