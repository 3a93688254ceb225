package com.gempix2.orchestrator.simulator;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * What every /api call goes through before and after its endpoint: counting, latency, authentication, the rate
 * window, injected faults, and the envelope with its rate-limit headers.
 */
final class ApiGate {

    static final String LIMIT_HEADER = "X-RateLimit-Limit";
    static final String REMAINING_HEADER = "X-RateLimit-Remaining";
    static final String RESET_HEADER = "X-RateLimit-Reset";
    static final String RETRY_AFTER_HEADER = "Retry-After";

    private static final System.Logger LOG = System.getLogger(ApiGate.class.getName());
    private static final String BEARER = "bearer ";

    private final Vertx vertx;
    private final Clock clock;
    private final Set<String> apiKeys;
    private final LiveKnobs knobs;
    private final RateWindows rateWindows;
    private final Faults faults;
    private final Counters counters;

    ApiGate(Vertx vertx, Clock clock, Set<String> apiKeys, LiveKnobs knobs, RateWindows rateWindows, Faults faults,
            Counters counters) {
        this.vertx = vertx;
        this.clock = clock;
        this.apiKeys = apiKeys;
        this.knobs = knobs;
        this.rateWindows = rateWindows;
        this.faults = faults;
        this.counters = counters;
    }

    /** A route handler that runs {@code action} for an authenticated call within the rate limit, and answers for it. */
    Handler<RoutingContext> guard(Endpoint endpoint, Function<RoutingContext, CompletionStage<Envelope>> action) {
        return ctx -> {
            counters.call(endpoint);
            long latency = knobs.get().latencyMillis();
            if (latency > 0) {
                // A timer, not a sleep: the event loop serves other calls meanwhile.
                vertx.setTimer(latency, id -> pass(ctx, endpoint, action));
            } else {
                pass(ctx, endpoint, action);
            }
        };
    }

    private void pass(RoutingContext ctx, Endpoint endpoint,
            Function<RoutingContext, CompletionStage<Envelope>> action) {
        Knobs current = knobs.get();
        long now = clock.millis();
        Optional<String> apiKey = bearerToken(ctx.request().getHeader("Authorization")).filter(apiKeys::contains);
        if (apiKey.isEmpty()) {
            answer(ctx, rateWindows.uncharged(current, now), Envelope.error(ApiError.AUTHENTICATION_FAILED, null));
            return;
        }
        RateWindows.Decision rate = rateWindows.charge(apiKey.get(), current, now);
        if (!rate.allowed()) {
            counters.rateLimited();
            if (current.retryAfter()) {
                ctx.response().putHeader(RETRY_AFTER_HEADER, Long.toString(rate.retryAfterSeconds()));
            }
            answer(ctx, rate, Envelope.error(ApiError.RATE_LIMIT_EXCEEDED, null));
            return;
        }
        Optional<Fault> fault = faults.take(endpoint);
        if (fault.isPresent()) {
            answerFault(ctx, rate, fault.get());
            return;
        }
        Context context = vertx.getOrCreateContext();
        CompletionStage<Envelope> outcome;
        try {
            outcome = action.apply(ctx);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        // Endpoints may finish on other threads (file reads, webhook answers): answer on the request's own context.
        outcome.whenComplete((envelope, error) -> context.runOnContext(ignored -> {
            if (error == null) {
                answer(ctx, rate, envelope);
            } else {
                LOG.log(Level.ERROR, "Simulator endpoint " + endpoint.wireName() + " failed", error);
                writeHeaders(ctx.response(), rate);
                Replies.json(ctx, 500, Envelope.error(ApiError.SERVER_ERROR, null));
            }
        }));
    }

    private void answer(RoutingContext ctx, RateWindows.Decision rate, Envelope envelope) {
        writeHeaders(ctx.response(), rate);
        Integer errorStatus = knobs.get().errorHttpStatus();
        int status = envelope.code() == 0 || errorStatus == null ? 200 : errorStatus;
        Replies.json(ctx, status, envelope);
    }

    private void answerFault(RoutingContext ctx, RateWindows.Decision rate, Fault fault) {
        writeHeaders(ctx.response(), rate);
        switch (fault.body()) {
            case Fault.EMPTY -> Replies.empty(ctx, fault.httpStatus());
            case Fault.HTML -> Replies.bytes(ctx, fault.httpStatus(), "text/html; charset=utf-8",
                    errorPage(fault.httpStatus()).getBytes(StandardCharsets.UTF_8));
            case Fault.LONG_UUID -> Replies.json(ctx, fault.httpStatus(), Envelope.success("success",
                    java.util.Map.of("uuid", "u".repeat(300), "status", "pending")));
            case Fault.OVERSIZED -> Replies.json(ctx, fault.httpStatus(), Envelope.success("success",
                    java.util.Map.of("uuid", java.util.UUID.randomUUID().toString(), "padding", "p".repeat(100_000))));
            case Fault.BAD_IMAGE_URL -> Replies.json(ctx, fault.httpStatus(), Envelope.success("success",
                    java.util.Map.of("uuid", ctx.pathParam("uuid") == null ? "" : ctx.pathParam("uuid"),
                            "status", "completed", "imageUrl", "file:///etc/passwd")));
            default -> Replies.json(ctx, fault.httpStatus(),
                    new Envelope(fault.code(), ApiError.messageFor(fault.code()), null));
        }
    }

    // What a gateway in front of an API typically sends when the API behind it is down.
    private static String errorPage(int status) {
        String title = status + " " + HttpResponseStatus.valueOf(status).reasonPhrase();
        return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title
                + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    }

    private void writeHeaders(HttpServerResponse response, RateWindows.Decision rate) {
        if (response.closed() || response.headWritten() || !knobs.get().rateLimitHeaders()) {
            return;
        }
        response.putHeader(LIMIT_HEADER, Integer.toString(rate.limit()))
                .putHeader(REMAINING_HEADER, Integer.toString(rate.remaining()))
                .putHeader(RESET_HEADER, Long.toString(rate.resetEpochSeconds()));
    }

    static Optional<String> bearerToken(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String token = authorization.substring(BEARER.length()).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
