package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static com.gempix2.orchestrator.flow.Requests.post;
import static com.gempix2.orchestrator.testing.AppPorts.management;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The packaged jar, as users run it: healthy, a request goes all the way through, and no simulator inside. */
@QuarkusIntegrationTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class PackagedAppIT {

    @Test
    void packagedServiceIsReadyAndCompletesARequest() {
        given().get(management() + "/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));

        String id = post(newId("packaged"), "a packaged parcel");

        JsonNode result = awaitResult(id).json();
        assertEquals("completed", result.path("status").asText());
        assertEquals("webhook", result.path("completedVia").asText());
    }

    @Test
    void theArtifactHoldsNoSimulatorClass() throws IOException {
        List<Path> jars;
        try (Stream<Path> files = Files.walk(Path.of("target", "quarkus-app"))) {
            jars = files.filter(file -> file.toString().endsWith(".jar")).toList();
        }
        assertTrue(jars.stream().anyMatch(jar -> jar.getFileName().toString().startsWith("gempix2-orchestrator")),
                "the application's own jar is among " + jars.size());
        for (Path jar : jars) {
            try (JarFile entries = new JarFile(jar.toFile())) {
                List<String> simulator = entries.stream().map(entry -> entry.getName())
                        .filter(name -> name.startsWith("com/gempix2/orchestrator/simulator/")
                                && name.endsWith(".class"))
                        .toList();
                assertEquals(List.of(), simulator, jar + " holds the simulator");
            }
        }
    }
}
