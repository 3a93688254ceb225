package com.gempix2.orchestrator.testing;

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
 */
public class SimulatorResource implements QuarkusTestResourceLifecycleManager {

    /** The settings the flows are written for: fast generations, a limit no flow reaches unless it sets its own. */
    private static final Map<String, String> SETTINGS = Map.of(
            "gempix2.simulator.host", "127.0.0.1",
            "gempix2.simulator.port", "0",
            "gempix2.simulator.api-keys", "sim-key",
            "gempix2.simulator.rate-limit", "100000",
            "gempix2.simulator.pending-millis", "100",
            "gempix2.simulator.processing-millis", "400",
            // The test profile's public port and first webhook token.
            "gempix2.simulator.webhook-url", "http://127.0.0.1:18081/webhooks/gempix2?token=test-token-1");

    private static Gempix2Simulator simulator;
    private static Vertx vertx;

    @Override
    public Map<String, String> start() {
        return Map.of("gempix2.base-url", running().apiUrl(), "gempix2.api-key", "sim-key");
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
        }
    }

    /** The simulator, started on first use. */
    public static synchronized Gempix2Simulator running() {
        if (simulator == null) {
            vertx = Vertx.vertx();
            Gempix2Simulator started = new Gempix2Simulator(vertx,
                    SimulatorSettings.fromLookup(name -> Optional.ofNullable(SETTINGS.get(name))));
            started.start();
            simulator = started;
        }
        return simulator;
    }
}
