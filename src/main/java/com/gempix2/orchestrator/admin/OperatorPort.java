package com.gempix2.orchestrator.admin;

import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.MediaType;

/**
 * Gives the operator API a port of its own ({@code gempix2.operator.port}), so that the public port, which faces the
 * internet for the webhook, never answers it. Quarkus has one application router; this opens a second listener for
 * it (the same handlers, security and limits as the public port) and splits the routes by the port a request came
 * in on: {@code /api/...} only here, everything else only on the public port. Both answer 404 to what is not theirs,
 * before any body is read or any token is checked.
 */
@ApplicationScoped
public class OperatorPort {

    /** Before the webhook's early refusal and Quarkus's own handlers (higher runs first). */
    private static final int SPLIT_PRIORITY = 1100;
    private static final String NOT_HERE = "{\"code\":\"not-found\",\"message\":\"no such route on this port\"}";

    private final OperatorConfig config;
    private final int publicPort;
    private volatile HttpServer server;

    OperatorPort(OperatorConfig config, @ConfigProperty(name = "quarkus.http.port") int publicPort) {
        this.config = config;
        this.publicPort = publicPort;
    }

    void listen(@Observes StartupEvent event, Vertx vertx) {
        if (config.port() == publicPort) {
            throw new IllegalStateException("GEMPIX2_OPERATOR_PORT must differ from the public port " + publicPort
                    + ": the operator API never shares the port that faces the internet");
        }
        HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port())
                .setIdleTimeout(30).setIdleTimeoutUnit(TimeUnit.SECONDS);
        server = vertx.createHttpServer(options).requestHandler(OperatorPort::toApplicationRouter).listen()
                .toCompletionStage().toCompletableFuture().join();
        Log.infof("Operator API listening on http://%s:%d/api/v1", config.host(), server.actualPort());
    }

    void close(@Observes ShutdownEvent event) {
        HttpServer running = server;
        if (running != null) {
            server = null;
            running.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    void splitRoutesByPort(@Observes Filters filters) {
        filters.register(this::split, SPLIT_PRIORITY);
    }

    private void split(RoutingContext context) {
        SocketAddress local = context.request().localAddress();
        boolean onOperatorPort = local != null && server != null && local.port() == server.actualPort();
        if (isOperatorPath(context.normalizedPath()) != onOperatorPort) {
            context.response().setStatusCode(404).putHeader("Content-Type", MediaType.APPLICATION_JSON).end(NOT_HERE);
            return;
        }
        context.next();
    }

    /** {@code /api} and below, also written with repeated slashes, which routing would match all the same. */
    static boolean isOperatorPath(String path) {
        int start = 0;
        while (start < path.length() && path.charAt(start) == '/') {
            start++;
        }
        return path.startsWith("api", start) && (path.length() == start + 3 || path.charAt(start + 3) == '/');
    }

    /** Quarkus's root handler is set once its HTTP server is configured, which is before a request can come. */
    private static void toApplicationRouter(HttpServerRequest request) {
        Handler<HttpServerRequest> root = VertxHttpRecorder.getRootHandler();
        if (root == null) {
            request.response().setStatusCode(503).end();
            return;
        }
        root.handle(request);
    }
}
