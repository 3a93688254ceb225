package com.gempix2.orchestrator.admin;

import java.time.Clock;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;

/**
 * The audit trail of the operator API: every call of an {@link OperatorAction} method, whatever its answer (done,
 * refused, or denied for want of a credential or a role), is one line in the {@code gempix2.audit} log with who,
 * what, on which requestId, when and how it ended, and one count in {@code gempix2_operator_actions_total}. Both
 * labels are bounded: the action names are this class's annotations, the outcomes are five.
 */
@ApplicationScoped
public class OperatorAudit {

    private static final Logger AUDIT = Logger.getLogger("gempix2.audit");
    private static final int MAX_TARGET = 128;

    private final MeterRegistry registry;
    private final CurrentVertxRequest request;
    private final Clock clock;

    OperatorAudit(MeterRegistry registry, CurrentVertxRequest request, Clock clock) {
        this.registry = registry;
        this.request = request;
        this.clock = clock;
    }

    @ServerResponseFilter
    public void record(ContainerRequestContext call, ContainerResponseContext answer, ResourceInfo resource) {
        OperatorAction action = resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(OperatorAction.class);
        if (action == null) {
            return;
        }
        String outcome = outcome(answer.getStatus());
        String target = printable(call.getUriInfo().getPathParameters().getFirst("requestId"));
        AUDIT.infof("Operator audit: who=%s action=%s target=%s outcome=%s status=%d at=%s", who(), action.value(),
                target, outcome, answer.getStatus(), clock.instant());
        registry.counter("gempix2.operator.actions", "action", action.value(), "outcome", outcome).increment();
    }

    private String who() {
        var current = request.getCurrent();
        if (current != null && current.user() instanceof QuarkusHttpUser user
                && !user.getSecurityIdentity().isAnonymous()) {
            return user.getSecurityIdentity().getPrincipal().getName();
        }
        return "anonymous";
    }

    private static String outcome(int status) {
        return switch (status / 100 == 2 ? 200 : status) {
            case 200 -> "done";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404, 409 -> "refused";
            default -> "failed";
        };
    }

    /** The requestId as a log can take it: at most 128 characters, anything unprintable as '?'. */
    private static String printable(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_TARGET));
        for (int i = 0; i < value.length() && i < MAX_TARGET; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x21 && c < 0x7f ? c : '?');
        }
        return value.length() > MAX_TARGET ? out + "..." : out.toString();
    }
}
