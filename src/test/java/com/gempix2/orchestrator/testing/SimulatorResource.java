package com.gempix2.orchestrator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Optional;

import com.gempix2.orchestrator.simulator.Gempix2Simulator;
import com.gempix2.orchestrator.simulator.SimulatorSettings;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;

/**
 * The Gempix2 simulator for the tests, in the test JVM on a free port, as super-heroes starts its WireMock stand-in:
 * the service under test learns it as {@code gempix2.base-url}. One per start of the app (a test profile is another
 * start, with test classes loaded again), shared by the test classes of that start and stopped with it; the
 * simulator is no part of the service's artifact.
 *
 * <p>Its webhooks go to the app, so it also chooses the app's ports: free ones, for the public, management and
 * operator listeners, so that no other listener on the machine (a local run, say) stands in the way.
 */
public class SimulatorResource implements QuarkusTestResourceLifecycleManager {

    /** The settings the flows are written for: fast generations, a limit no flow reaches unless it sets its own. */
    private static final Map<String, String> SETTINGS = Map.of(
            "gempix2.simulator.host", "127.0.0.1",
            "gempix2.simulator.port", "0",
            "gempix2.simulator.api-keys", "sim-key",
            "gempix2.simulator.rate-limit", "100000",
            "gempix2.simulator.pending-millis", "100",
            "gempix2.simulator.processing-millis", "400");

    private static Gempix2Simulator simulator;
    private static Vertx vertx;
    private static Ports ports;

    /** Where the app under test listens (the tests reach it through {@link AppPorts}). */
    record Ports(int http, int management, int operator) {
    }

    @Override
    public Map<String, String> start() {
        Ports app = ports();
        return Map.of("gempix2.base-url", running().apiUrl(), "gempix2.api-key", "sim-key",
                "quarkus.http.test-port", String.valueOf(app.http()),
                "quarkus.management.test-port", String.valueOf(app.management()),
                "quarkus.management.port", String.valueOf(app.management()),
                "gempix2.operator.port", String.valueOf(app.operator()));
    }

    /** The app's ports, chosen free once for this start of the app. */
    static synchronized Ports ports() {
        if (ports == null) {
            // The three held open together, so that they differ.
            try (ServerSocket http = new ServerSocket(0);
                    ServerSocket management = new ServerSocket(0);
                    ServerSocket operator = new ServerSocket(0)) {
                ports = new Ports(http.getLocalPort(), management.getLocalPort(), operator.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ports;
    }

    /** Stopped with the app, as the app's own simulator was: none of its webhooks then reaches the next app. */
    @Override
    public void stop() {
        stopRunning();
    }

    private static synchronized void stopRunning() {
        if (simulator != null) {
            simulator.stop();
            vertx.close().toCompletionStage().toCompletableFuture().join();
            simulator = null;
            vertx = null;
            ports = null;
        }
    }

    /** The simulator, started on first use. */
    public static synchronized Gempix2Simulator running() {
        if (simulator == null) {
            vertx = Vertx.vertx();
            // The public port and the test profile's first webhook token.
            String webhookUrl = "http://127.0.0.1:" + ports().http() + "/webhooks/gempix2?token=test-token-1";
            Gempix2Simulator started = new Gempix2Simulator(vertx, SimulatorSettings.fromLookup(name -> Optional
                    .ofNullable(name.equals("gempix2.simulator.webhook-url") ? webhookUrl : SETTINGS.get(name))));
            started.start();
            simulator = started;
        }
        return simulator;
    }
}
