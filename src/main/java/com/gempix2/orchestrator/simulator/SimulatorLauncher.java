package com.gempix2.orchestrator.simulator;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** Runs the Gempix2 simulator inside the application when {@code gempix2.simulator.enabled=true}; never otherwise. */
@ApplicationScoped
public class SimulatorLauncher {

    private final Vertx vertx;
    private final SimulatorConfig simulatorConfig;
    private volatile Gempix2Simulator simulator;

    public SimulatorLauncher(Vertx vertx, SimulatorConfig simulatorConfig) {
        this.vertx = vertx;
        this.simulatorConfig = simulatorConfig;
    }

    // Early, so that the simulator listens before beans that call Gempix2 on startup do.
    void onStart(@Observes @Priority(10) StartupEvent event) {
        Config config = ConfigProvider.getConfig();
        if (!simulatorConfig.enabled()) {
            return;
        }
        Gempix2Simulator started = new Gempix2Simulator(vertx,
                SimulatorSettings.fromLookup(name -> config.getOptionalValue(name, String.class)));
        started.start();
        simulator = started;
        Log.infof("Gempix2 simulator listening on %s", started.apiUrl());
    }

    void onStop(@Observes ShutdownEvent event) {
        Gempix2Simulator running = simulator;
        if (running != null) {
            simulator = null;
            running.stop();
        }
    }

    /** The running simulator, if enabled: tests use it to learn the port when it was configured as 0. */
    public Optional<Gempix2Simulator> simulator() {
        return Optional.ofNullable(simulator);
    }
}
