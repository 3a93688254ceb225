package com.gempix2.orchestrator.testing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;

/**
 * What a load balancer in front of the pods does for Gempix2's one webhook URL: each webhook goes to the next replica,
 * and to the one after it when that one does not answer (killed, restarting). Used where replicas die.
 */
public final class WebhookBalancer implements AutoCloseable {

    private static final int FORWARD_TIMEOUT_MILLIS = 10_000;

    private final HttpServer server;
    private final HttpClient client;
    private final Supplier<List<Integer>> ports;
    private final AtomicInteger next = new AtomicInteger();

    private WebhookBalancer(Vertx vertx, Supplier<List<Integer>> ports) {
        this.ports = ports;
        this.client = vertx.createHttpClient();
        this.server = vertx.createHttpServer().requestHandler(this::handle);
    }

    /** Listens on a free port of 127.0.0.1 and spreads what comes over {@code ports} (asked again per webhook). */
    public static WebhookBalancer start(Vertx vertx, Supplier<List<Integer>> ports) {
        WebhookBalancer balancer = new WebhookBalancer(vertx, ports);
        balancer.server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        return balancer;
    }

    public int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> forward(request, body, 0, next.getAndIncrement()))
                .onFailure(e -> request.response().setStatusCode(400).end());
    }

    private void forward(HttpServerRequest request, Buffer body, int tried, int first) {
        List<Integer> targets = ports.get();
        if (tried >= targets.size()) {
            request.response().setStatusCode(502).end();
            return;
        }
        int port = targets.get(Math.floorMod(first + tried, targets.size()));
        RequestOptions options = new RequestOptions().setMethod(request.method()).setHost("127.0.0.1").setPort(port)
                .setURI(request.uri()).setIdleTimeout(FORWARD_TIMEOUT_MILLIS);
        client.request(options).compose(call -> {
            request.headers().forEach((name, value) -> {
                if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                    call.putHeader(name, value);
                }
            });
            return call.send(body);
        }).compose(answer -> answer.body().map(answerBody -> {
            request.response().setStatusCode(answer.statusCode());
            String type = answer.getHeader("Content-Type");
            if (type != null) {
                request.response().putHeader("Content-Type", type);
            }
            request.response().end(answerBody);
            return answerBody;
        })).onFailure(e -> forward(request, body, tried + 1, first));
    }

    @Override
    public void close() {
        server.close().toCompletionStage().toCompletableFuture().join();
        client.close();
    }
}
