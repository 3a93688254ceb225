package com.gempix2.orchestrator.simulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writing answers, shared by the route classes. */
final class Replies {

    static final String JSON = "application/json";

    private Replies() {
    }

    static void json(RoutingContext ctx, int status, Object body) {
        bytes(ctx, status, JSON, SimulatorJson.write(body).getBytes(StandardCharsets.UTF_8));
    }

    /** A control-API refusal: the status and {@code {"message": ...}}. */
    static void problem(RoutingContext ctx, int status, String message) {
        json(ctx, status, Map.of("message", message));
    }

    static void noContent(RoutingContext ctx) {
        empty(ctx, 204);
    }

    /** An answer with no body at all, not even a content type. */
    static void empty(RoutingContext ctx, int status) {
        HttpServerResponse response = ctx.response();
        if (!response.closed() && !response.ended()) {
            response.setStatusCode(status).end();
        }
    }

    static void notFound(RoutingContext ctx) {
        problem(ctx, 404, "not found");
    }

    static void bytes(RoutingContext ctx, int status, String contentType, byte[] body) {
        HttpServerResponse response = ctx.response();
        // The caller may have gone away while a delayed answer was pending.
        if (response.closed() || response.ended()) {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", contentType).end(Buffer.buffer(body));
    }
}
