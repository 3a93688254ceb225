package com.gempix2.orchestrator.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulatorSettingsTest {

    @Test
    void defaultsListenOnLoopback8090WithTheSimKey() {
        SimulatorSettings settings = SimulatorSettings.defaults();

        assertEquals("127.0.0.1", settings.host());
        assertEquals(8090, settings.port());
        assertEquals(Set.of("sim-key"), settings.apiKeys());
        assertTrue(settings.publicBaseUrl().isEmpty());
        assertEquals(Knobs.defaults(), settings.knobs());
        assertEquals(100, settings.knobs().rateLimit());
        assertEquals(3600, settings.knobs().windowSeconds());
        assertEquals(1000, settings.knobs().pendingMillis());
        assertEquals(3000, settings.knobs().processingMillis());
        assertEquals(2, settings.knobs().creditsPerGeneration());
    }

    @Test
    void propertiesOverrideTheDefaults() {
        Map<String, String> properties = Map.of(
                "gempix2.simulator.port", "9099",
                "gempix2.simulator.api-keys", " a, b ,,c",
                "gempix2.simulator.public-base-url", "https://sim.example.com/",
                "gempix2.simulator.rate-limit", "10",
                "gempix2.simulator.window-seconds", "60",
                "gempix2.simulator.pending-millis", "5",
                "gempix2.simulator.processing-millis", "6",
                "gempix2.simulator.webhook-url", "http://localhost:8080/webhooks/gempix2?token=t",
                "gempix2.simulator.credits", "4",
                "gempix2.simulator.webhook-before-response", "true");

        SimulatorSettings settings = SimulatorSettings.fromLookup(name -> Optional.ofNullable(properties.get(name)));

        assertEquals(9099, settings.port());
        assertEquals(Set.of("a", "b", "c"), settings.apiKeys());
        assertEquals(Optional.of("https://sim.example.com"), settings.publicBaseUrl());
        Knobs knobs = settings.knobs();
        assertEquals(10, knobs.rateLimit());
        assertEquals(60, knobs.windowSeconds());
        assertEquals(5, knobs.pendingMillis());
        assertEquals(6, knobs.processingMillis());
        assertEquals("http://localhost:8080/webhooks/gempix2?token=t", knobs.webhookUrl());
        assertEquals(4, knobs.credits());
        assertTrue(knobs.webhookBeforeResponse());
    }

    @Test
    void unusableValueIsRefusedNamingTheProperty() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SimulatorSettings.fromLookup(
                        name -> name.equals("gempix2.simulator.rate-limit") ? Optional.of("lots") : Optional.empty()));
        assertTrue(error.getMessage().startsWith("gempix2.simulator.rate-limit=lots"), error.getMessage());

        assertThrows(IllegalArgumentException.class, () -> SimulatorSettings.fromLookup(
                name -> name.equals("gempix2.simulator.port") ? Optional.of("eighty") : Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> SimulatorSettings.fromLookup(
                name -> name.equals("gempix2.simulator.api-keys") ? Optional.of(" , ") : Optional.empty()));
    }

    @Test
    void knobNamesMapToKebabCasePropertiesAndEnvironmentVariables() {
        assertEquals("rate-limit", SimulatorSettings.kebabCase("rateLimit"));
        assertEquals("webhook-before-response", SimulatorSettings.kebabCase("webhookBeforeResponse"));
        assertEquals("credits", SimulatorSettings.kebabCase("credits"));
        assertEquals("GEMPIX2_SIMULATOR_RATE_LIMIT", SimulatorMain.envName("gempix2.simulator.rate-limit"));
        assertEquals("GEMPIX2_SIMULATOR_API_KEYS", SimulatorMain.envName("gempix2.simulator.api-keys"));
    }
}
