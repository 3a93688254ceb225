package com.gempix2.orchestrator.simulator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final SimulatorHarness sim = SimulatorHarness.start();
    private final WebhookReceiver receiver = new WebhookReceiver();

    @BeforeEach
    void pointWebhooksAtTheReceiver() {
        sim.knobs("{\"webhookUrl\": \"" + receiver.url() + "\"}");
    }

    @AfterEach
    void stop() throws Exception {
        receiver.close();
        sim.close();
    }

    @Test
    void completedGenerationPostsImagesCompleted() {
        String uuid = sim.newGeneration("a quiet harbour");

        await().atMost(PATIENCE).until(() -> receiver.received().size() == 1);

        WebhookReceiver.Received webhook = receiver.received().get(0);
        assertEquals("application/json", webhook.contentType());
        assertEquals("token=secret", webhook.query(), "the URL is used as given, query included");
        JsonNode body = webhook.body();
        assertEquals("images.completed", body.get("event").asText());
        assertEquals(uuid, body.get("uuid").asText());
        assertEquals(sim.baseUrl() + "/files/" + uuid + ".png", body.get("imageUrl").asText());
        Instant.parse(body.get("timestamp").asText());
        await().atMost(PATIENCE).until(() -> sim.counters().get("webhooksSent").asInt() == 1);
    }

    @Test
    void webhookIsSentWithoutAnyoneCallingStatus() {
        sim.newGeneration("nobody polls this");

        await().atMost(PATIENCE).until(() -> receiver.received().size() == 1);

        assertEquals(0, sim.counters().get("calls").get("status").asInt());
    }

    @Test
    void failedGenerationPostsImagesFailedWithoutImageUrl() {
        String uuid = sim.newGeneration("sim:fail");

        await().atMost(PATIENCE).until(() -> receiver.received().size() == 1);

        JsonNode body = receiver.received().get(0).body();
        assertEquals("images.failed", body.get("event").asText());
        assertEquals(uuid, body.get("uuid").asText());
        assertFalse(body.has("imageUrl"));
    }

    @Test
    void dropRatioOneSendsNoWebhookAtAll() {
        sim.knobs("{\"webhookDropRatio\": 1.0}");
        String uuid = sim.newGeneration("lost in the mail");

        await().atMost(PATIENCE).until(() -> sim.counters().get("webhooksDropped").asInt() == 1);

        assertEquals("completed", sim.statusOf(uuid));
        assertTrue(receiver.received().isEmpty());
        assertEquals(0, sim.counters().get("webhooksSent").asInt());
    }

    @Test
    void duplicateRatioOneSendsEveryWebhookTwice() {
        sim.knobs("{\"webhookDuplicateRatio\": 1.0}");
        String uuid = sim.newGeneration("say it twice");

        await().atMost(PATIENCE).until(() -> sim.counters().get("webhooksSent").asInt() == 2);

        assertEquals(2, receiver.received().size());
        assertEquals(receiver.received().get(0).body(), receiver.received().get(1).body());
        assertEquals(uuid, receiver.received().get(1).body().get("uuid").asText());
    }

    @Test
    void webhookBeforeResponseDeliversTheWebhookBeforeGenerateAnswers() {
        sim.knobs("{\"webhookBeforeResponse\": true, \"webhookDelayMillis\": 200}");

        SimulatorHarness.Answer answer = sim.textToImage("faster than the answer", "auto");

        // No waiting: the simulator held its answer until the receiver had answered the webhook.
        assertEquals(1, receiver.received().size());
        String uuid = answer.data().get("uuid").asText();
        assertEquals(uuid, receiver.received().get(0).body().get("uuid").asText());
        assertEquals("images.completed", receiver.received().get(0).body().get("event").asText());
        assertEquals("completed", sim.statusOf(uuid));
    }

    @Test
    void receiverErrorsAndUnreachableReceiversAreCountedAsFailures() {
        receiver.answer(500);
        sim.newGeneration("refused");
        await().atMost(PATIENCE).until(() -> sim.counters().get("webhooksFailed").asInt() == 1);

        sim.knobs("{\"webhookUrl\": \"http://127.0.0.1:1/nowhere\"}");
        sim.newGeneration("unreachable");
        await().atMost(PATIENCE).until(() -> sim.counters().get("webhooksFailed").asInt() == 2);

        assertEquals(0, sim.counters().get("webhooksSent").asInt());
    }

    @Test
    void noWebhookUrlMeansNoWebhook() {
        sim.knobs("{\"webhookUrl\": null}");
        String uuid = sim.newGeneration("silent");

        await().atMost(PATIENCE).until(() -> "completed".equals(sim.statusOf(uuid)));

        JsonNode counters = sim.counters();
        assertEquals(0, counters.get("webhooksSent").asInt() + counters.get("webhooksFailed").asInt()
                + counters.get("webhooksDropped").asInt());
        assertTrue(receiver.received().isEmpty());
    }
}
