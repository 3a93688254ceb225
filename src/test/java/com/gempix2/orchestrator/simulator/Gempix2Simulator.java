package com.gempix2.orchestrator.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An in-memory stand-in for the Gempix2 API: the /api endpoints of the reference, the generated images under
 * /files, and a control API under /sim through which tests set limits, inject faults and read counters.
 */
public final class Gempix2Simulator {

    private static final long START_STOP_TIMEOUT_SECONDS = 30;

    private final Vertx vertx;
    private final SimulatorSettings settings;
    private final LiveKnobs knobs;
    private final Counters counters = new Counters();
    private final Faults faults = new Faults();
    private final RateWindows rateWindows = new RateWindows();
    private final Uploads uploads = new Uploads();
    private final GenerationStore generations;
    private final Router router;
    private volatile HttpServer server;

    public Gempix2Simulator(Vertx vertx, SimulatorSettings settings) {
        this(vertx, settings, Clock.systemUTC());
    }

    /**
     * @param clock what statuses and rate windows are measured against; tests may move it to skip ahead
     */
    public Gempix2Simulator(Vertx vertx, SimulatorSettings settings, Clock clock) {
        this.vertx = vertx;
        this.settings = settings;
        this.knobs = new LiveKnobs(settings.knobs());
        Random random = new SecureRandom();
        WebhookSender webhooks = new WebhookSender(vertx, counters, random);
        this.generations = new GenerationStore(vertx, clock, random, counters, webhooks, knobs, this::publicBaseUrl);
        ApiGate gate = new ApiGate(vertx, clock, settings.apiKeys(), knobs, rateWindows, faults, counters);
        this.router = Router.router(vertx);
        new ApiRoutes(vertx, gate, knobs, generations, uploads, counters, this::publicBaseUrl).mount(router);
        new FileRoutes(vertx, generations, uploads, new ImageRenderer()).mount(router);
        new ControlRoutes(knobs, faults, counters, generations, this::reset).mount(router);
    }

    /** Binds the configured host and port and returns once the simulator is listening. */
    public void start() {
        if (server != null) {
            throw new IllegalStateException("the simulator is already started");
        }
        HttpServerOptions options = new HttpServerOptions().setHost(settings.host()).setPort(settings.port());
        server = await(vertx.createHttpServer(options).requestHandler(router).listen(), "start");
    }

    /** Stops listening and forgets pending timers; the Vert.x instance is the caller's and stays open. */
    public void stop() {
        HttpServer running = server;
        if (running == null) {
            return;
        }
        server = null;
        generations.clear();
        await(running.close(), "stop");
    }

    /** The port actually bound: the configured one, or the one picked when it was 0. */
    public int port() {
        HttpServer running = server;
        if (running == null) {
            throw new IllegalStateException("the simulator is not started");
        }
        return running.actualPort();
    }

    /** Where the Gempix2 API is served, e.g. {@code http://127.0.0.1:8090/api}: what a client uses as its base URL. */
    public String apiUrl() {
        return "http://" + urlHost(settings.host()) + ":" + port() + "/api";
    }

    /** The base of the image URLs handed out: the configured public base URL, or this server's own address. */
    public String publicBaseUrl() {
        return settings.publicBaseUrl().orElseGet(() -> "http://" + reachableHost() + ":" + port());
    }

    /** Back to a fresh start: no generations, uploads, counters, faults or rate windows; knobs as configured. */
    public void reset() {
        generations.clear();
        uploads.clear();
        counters.reset();
        faults.clear();
        rateWindows.reset();
        knobs.reset();
    }

    // A wildcard bind address is not something a client can connect to.
    private String reachableHost() {
        String host = settings.host();
        return "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : urlHost(host);
    }

    private static String urlHost(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private <T> T await(Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(START_STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during simulator " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "Gempix2 simulator could not " + what + " on " + settings.host() + ":" + settings.port(), e);
        }
    }
}
