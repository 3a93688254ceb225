package com.gempix2.orchestrator.testing;

import java.util.Map;
import java.util.Optional;

import com.gempix2.orchestrator.simulator.Gempix2Simulator;
import com.gempix2.orchestrator.simulator.SimulatorSettings;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;

/**
 * The Gempix2 simulator for the tests, in the test JVM on a free port, as super-heroes starts its WireMock stand-in:
 * the service under test learns it as {@code gempix2.base-url}. Started once and shared by every test class and
 * every start of the app, like {@link KafkaBroker}; the simulator is no part of the service's artifact.
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

    @Override
    public Map<String, String> start() {
        return Map.of("gempix2.base-url", running().apiUrl(), "gempix2.api-key", "sim-key");
    }

    @Override
    public void stop() {
        // Shared by every test class and every restart of the app: stopped with the JVM.
    }

    /** The simulator, started on first use. */
    public static synchronized Gempix2Simulator running() {
        if (simulator == null) {
            Gempix2Simulator started = new Gempix2Simulator(Vertx.vertx(),
                    SimulatorSettings.fromLookup(name -> Optional.ofNullable(SETTINGS.get(name))));
            started.start();
            simulator = started;
        }
        return simulator;
    }
}
