package com.gempix2.orchestrator.simulator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GenerationLifecycleTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private SimulatorHarness sim = SimulatorHarness.start();

    @AfterEach
    void stop() throws Exception {
        sim.close();
    }

    @Test
    void statusGoesFromPendingThroughProcessingToCompletedWithAnImageUrl() {
        sim.knobs("{\"pendingMillis\": 300, \"processingMillis\": 600}");
        String uuid = sim.newGeneration("a red bicycle");
        Set<String> seen = new HashSet<>();

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> {
            seen.add(sim.statusOf(uuid));
            return seen.contains("completed");
        });

        assertEquals(Set.of("pending", "processing", "completed"), seen);
        JsonNode data = sim.status(uuid).data();
        assertEquals(uuid, data.get("uuid").asText());
        assertEquals(100, data.get("progress").asInt());
        assertEquals(0, data.get("estimatedTime").asInt());
        assertEquals(sim.baseUrl() + "/files/" + uuid + ".png", data.get("imageUrl").asText());
        assertFalse(data.has("error"));
    }

    @Test
    void progressAndEstimatedTimeFollowTheClock() throws Exception {
        MovableClock clock = new MovableClock();
        sim.close();
        sim = SimulatorHarness.start(clock);
        // Long enough that the real-time timer stays out of the way while the test moves the clock.
        sim.knobs("{\"pendingMillis\": 60000, \"processingMillis\": 120000}");
        String uuid = sim.newGeneration("a slow one");

        JsonNode pending = sim.status(uuid).data();
        assertEquals("pending", pending.get("status").asText());
        assertEquals(0, pending.get("progress").asInt());
        assertEquals(180, pending.get("estimatedTime").asInt());
        assertFalse(pending.has("imageUrl"));

        clock.advance(Duration.ofSeconds(90));
        JsonNode processing = sim.status(uuid).data();
        assertEquals("processing", processing.get("status").asText());
        assertEquals(25, processing.get("progress").asInt());
        assertEquals(90, processing.get("estimatedTime").asInt());

        clock.advance(Duration.ofMillis(89_999));
        assertEquals(99, sim.status(uuid).data().get("progress").asInt());
        assertEquals(1, sim.status(uuid).data().get("estimatedTime").asInt());

        clock.advance(Duration.ofMillis(1));
        assertEquals("completed", sim.statusOf(uuid));
    }

    @ParameterizedTest(name = "{0} -> {1}x{2}")
    @CsvSource({"16:9, 768, 432", "9:16, 432, 768", "1:1, 512, 512", "auto, 512, 512"})
    void completedImageIsAPngOfTheRequestedAspectRatio(String aspectRatio, int width, int height) throws IOException {
        String uuid = sim.textToImage("a mountain lake at dawn, with mist over the water", aspectRatio).data()
                .get("uuid").asText();
        await().atMost(PATIENCE).until(() -> "completed".equals(sim.statusOf(uuid)));
        URI imageUrl = URI.create(sim.status(uuid).data().get("imageUrl").asText());

        SimulatorHarness.Answer image = sim.send(java.net.http.HttpRequest.newBuilder(imageUrl).GET());

        assertEquals(200, image.status());
        assertEquals("image/png", image.header("Content-Type"));
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(image.body()));
        assertNotNull(png, "a decodable PNG");
        assertEquals(width, png.getWidth());
        assertEquals(height, png.getHeight());
        assertEquals(200, sim.send(java.net.http.HttpRequest.newBuilder(imageUrl).GET()).status(),
                "served again from cache");
    }

    @Test
    void simFailPromptEndsFailedWithAnErrorAndNoImage() {
        String uuid = sim.newGeneration("please sim:fail this one");

        await().atMost(PATIENCE).until(() -> "failed".equals(sim.statusOf(uuid)));

        JsonNode data = sim.status(uuid).data();
        assertTrue(data.get("error").asText().contains("sim:fail"));
        assertFalse(data.has("imageUrl"));
        assertEquals(404, sim.get("/files/" + uuid + ".png").status());
    }

    @Test
    void failureRatioOneFailsEveryGeneration() {
        sim.knobs("{\"failureRatio\": 1.0}");
        String uuid = sim.newGeneration("an ordinary prompt");

        await().atMost(PATIENCE).until(() -> "failed".equals(sim.statusOf(uuid)));
    }

    @Test
    void unknownUuidAnswers1000AndUnknownImageIs404() {
        SimulatorHarness.Answer answer = sim.status("00000000-0000-0000-0000-000000000000");

        assertEquals(1000, answer.code());
        assertEquals("Invalid parameters: unknown uuid", answer.json().get("msg").asText());
        assertEquals(404, sim.get("/files/00000000-0000-0000-0000-000000000000.png").status());
        assertEquals(404, sim.get("/files/whatever.jpg").status());
    }

    @Test
    void imageIsNotServedBeforeCompletion() {
        sim.knobs("{\"pendingMillis\": 60000}");
        String uuid = sim.newGeneration("not yet");

        assertEquals(404, sim.get("/files/" + uuid + ".png").status());
    }

    @Test
    void pollsAreCountedPerUuid() {
        String first = sim.newGeneration("first");
        String second = sim.newGeneration("second");
        sim.status(first);
        sim.status(first);
        sim.status(second);

        JsonNode counters = sim.counters();

        assertEquals(2, counters.get("pollsByUuid").get(first).asInt());
        assertEquals(1, counters.get("pollsByUuid").get(second).asInt());
        assertEquals(3, counters.get("calls").get("status").asInt());
        assertEquals(2, counters.get("calls").get("generate").asInt());
        assertEquals(2, counters.get("generationsCreated").asInt());
    }
}
