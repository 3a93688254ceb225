package com.gempix2.orchestrator.webhook;

import java.util.List;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import com.gempix2.orchestrator.config.WebhookConfig;
import com.gempix2.orchestrator.http.ApiError;
import com.gempix2.orchestrator.http.Tokens;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Refuses a webhook without a valid {@code ?token=} before its body is read, so that a flood of
 * unauthenticated calls costs a hash and a 401 each: first on the event loop ({@link #earlyRefusal}), then,
 * for a path that only routing resolves to the receiver, in a request filter ({@link #check}). It runs after routing and asks which resource was
 * matched, not which path was asked for: {@code /webhooks/%67empix2} or {@code //webhooks/gempix2} reach
 * the same resource and meet the same check. Application-scoped, so that it is made at run time, when the
 * configuration is there.
 */
@ApplicationScoped
public class WebhookGate {

    static final String PATH = "/webhooks/gempix2";
    private static final String REFUSAL_BODY = "{\"code\":\"unauthorized\",\"message\":\"missing or wrong webhook token\"}";
    /** Before Quarkus's own handlers (higher runs first). */
    private static final int EARLY_PRIORITY = 1000;

    private final Tokens tokens;
    private final Counter refused;

    WebhookGate(WebhookConfig config, MeterRegistry registry) {
        this.tokens = Tokens.of(config.webhookTokens().orElse(List.of()));
        this.refused = registry.counter("gempix2.webhooks", "outcome", "unauthorized");
        if (tokens.isEmpty()) {
            Log.warn("GEMPIX2_WEBHOOK_TOKENS is not set: every webhook will be refused with 401");
        }
    }

    /**
     * The cheap first check, on the event loop before any body is read or any worker thread is taken: a call to
     * the webhook path without a valid token is answered 401 there and counted, not logged. Paths that reach the
     * resource only after decoding meet {@link #check} instead.
     */
    void earlyRefusal(@Observes Filters filters) {
        filters.register(context -> {
            if (context.request().method() == HttpMethod.POST && PATH.equals(context.normalizedPath())
                    && !tokens.accepts(context.request().getParam("token"))) {
                refused.increment();
                context.response().setStatusCode(401).putHeader("Content-Type", MediaType.APPLICATION_JSON)
                        .end(REFUSAL_BODY);
                return;
            }
            context.next();
        }, EARLY_PRIORITY);
    }

    @ServerRequestFilter
    public Response check(ContainerRequestContext request, SimpleResourceInfo resource) {
        if (resource.getResourceClass() != WebhookResource.class
                || tokens.accepts(request.getUriInfo().getQueryParameters().getFirst("token"))) {
            return null;
        }
        refused.increment();
        return Response.status(401).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError("unauthorized", "missing or wrong webhook token")).build();
    }
}
