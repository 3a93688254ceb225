package com.gempix2.orchestrator.admin;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import com.gempix2.orchestrator.config.OperatorConfig;
import com.gempix2.orchestrator.http.ApiError;

import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
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
import jakarta.ws.rs.core.Response;

/**
 * Gives the operator API a port of its own ({@code gempix2.operator.port}), so that the public port, which faces the
 * internet for the webhook, never answers it. Quarkus has one application router; this opens a second listener for
 * it (the same handlers and security; Vert.x's connection defaults and a 30 s idle timeout) and splits the routes by
 * the port a request came in on: {@code /api/...} only here, everything else only on the public port. Both answer
 * 404 to what is not theirs: first on the event loop, by the path's first segment, before any body is read or any
 * token is checked; then by the resource the request was routed to, since routing also matches paths the first
 * check cannot read alike ({@code /api;x/v1/...}, {@code /api%2Fv1/...}).
 */
@ApplicationScoped
public class OperatorPort {

    /** Before the webhook's early refusal and Quarkus's own handlers (higher runs first). */
    private static final int SPLIT_PRIORITY = 1100;
    private static final String NOT_HERE = "{\"code\":\"not-found\",\"message\":\"no such route on this port\"}";

    /** The ports Quarkus itself listens on; Vert.x would share one of them with this listener instead of refusing. */
    private static final List<String> QUARKUS_PORTS = List.of("quarkus.http.port", "quarkus.http.ssl-port",
            "quarkus.management.port");
    private static final List<String> QUARKUS_TEST_PORTS = List.of("quarkus.http.test-port",
            "quarkus.http.test-ssl-port", "quarkus.management.test-port");

    private final OperatorConfig config;
    private volatile HttpServer server;

    OperatorPort(OperatorConfig config) {
        this.config = config;
    }

    void listen(@Observes StartupEvent event, Vertx vertx) {
        for (String property : LaunchMode.current() == LaunchMode.TEST ? QUARKUS_TEST_PORTS : QUARKUS_PORTS) {
            ConfigProvider.getConfig().getOptionalValue(property, Integer.class)
                    .filter(port -> port == config.port()).ifPresent(port -> {
                        throw new IllegalStateException("GEMPIX2_OPERATOR_PORT must differ from " + property + " ("
                                + port
                                + "): the operator API shares no port with the webhook or the management interface");
                    });
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
        if (isOperatorPath(context.normalizedPath()) != onOperatorPort(context.request().localAddress())) {
            context.response().setStatusCode(404).putHeader("Content-Type", MediaType.APPLICATION_JSON).end(NOT_HERE);
            return;
        }
        context.next();
    }

    /** The same split by the resource that routing chose, whatever the path looked like. */
    @ServerRequestFilter
    public Response splitResourcesByPort(HttpServerRequest request, SimpleResourceInfo resource) {
        if ((resource.getResourceClass() == AdminResource.class) == onOperatorPort(request.localAddress())) {
            return null;
        }
        return Response.status(404).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError("not-found", "no such route on this port")).build();
    }

    private boolean onOperatorPort(SocketAddress local) {
        HttpServer listening = server;
        return local != null && listening != null && local.port() == listening.actualPort();
    }

    /**
     * {@code /api} and below, as routing reads a path: repeated slashes skipped, matrix parameters ({@code ;...})
     * dropped and percent-escapes decoded in the first segment.
     */
    static boolean isOperatorPath(String path) {
        int start = 0;
        while (start < path.length() && path.charAt(start) == '/') {
            start++;
        }
        int end = path.indexOf('/', start);
        String first = path.substring(start, end < 0 ? path.length() : end);
        int matrix = first.indexOf(';');
        if (matrix >= 0) {
            first = first.substring(0, matrix);
        }
        if (first.indexOf('%') >= 0) {
            try {
                first = URLDecoder.decode(first.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // A malformed escape: routing refuses it too.
            }
        }
        return first.equals("api") || first.startsWith("api/") || first.startsWith("api;");
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
