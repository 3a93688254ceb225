package com.gempix2.orchestrator.simulator;

import io.vertx.core.Vertx;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Gempix2 simulator as its own process, configured by system properties ({@code -Dgempix2.simulator.port=8090})
 * or environment variables ({@code GEMPIX2_SIMULATOR_PORT=8090}), the former winning.
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        SimulatorSettings settings;
        try {
            settings = SimulatorSettings.fromLookup(SimulatorMain::lookup);
        } catch (IllegalArgumentException e) {
            System.err.println("Invalid Gempix2 simulator configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        Vertx vertx = Vertx.vertx();
        Gempix2Simulator simulator = new Gempix2Simulator(vertx, settings);
        simulator.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.stop();
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // The process is ending anyway; nothing is left to clean up.
            }
        }, "gempix2-simulator-shutdown"));
        System.out.println("Gempix2 simulator listening on " + simulator.apiUrl());
        // Vert.x event-loop threads are not daemons: they keep the process alive after main returns.
    }

    static Optional<String> lookup(String property) {
        return Optional.ofNullable(System.getProperty(property))
                .or(() -> Optional.ofNullable(System.getenv(envName(property))));
    }

    /** {@code gempix2.simulator.rate-limit} becomes {@code GEMPIX2_SIMULATOR_RATE_LIMIT}. */
    static String envName(String property) {
        return property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }
}
