package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.assertExactlyOneResult;
import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static com.gempix2.orchestrator.flow.Requests.post;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.job.JobRepository;
import com.gempix2.orchestrator.job.JobStatus;
import com.gempix2.orchestrator.testing.FreshAccountTest;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.KafkaTopics.Received;
import com.gempix2.orchestrator.testing.MutableClock;
import com.gempix2.orchestrator.testing.Simulator;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;

/** Requests in on Kafka, results out on Kafka, with the real broker, PostgreSQL and the simulator. */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class PipelineTest extends FreshAccountTest {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    @Inject
    MutableClock clock;

    @Inject
    JobRepository jobs;

    @Test
    void requestCompletesViaWebhook() {
        String id = post(newId("webhook"), "a red fox in the snow");

        Received result = awaitResult(id);
        JsonNode body = result.json();
        assertEquals("completed", body.path("status").asText());
        assertEquals("webhook", body.path("completedVia").asText());
        assertEquals(1, body.path("attempts").asInt());
        assertTrue(body.path("error").isNull());
        assertEquals(id, body.path("metadata").path("order").asText(), "metadata is echoed");
        assertEquals(1, body.path("metadata").path("nested").path("n").asInt());
        assertTrue(body.path("receivedAt").isTextual() && body.path("submittedAt").isTextual()
                && body.path("finishedAt").isTextual());
        JsonNode generation = Simulator.generationsWith(id).get(0);
        assertEquals(generation.path("uuid").asText(), body.path("uuid").asText());
        assertEquals("16:9", generation.path("aspectRatio").asText());

        assertEquals(id, result.key());
        Map<String, String> headers = result.headers();
        assertEquals("1.0", headers.get("ce_specversion"));
        assertEquals(id + ":completed", headers.get("ce_id"));
        assertEquals("gempix2.image.completed", headers.get("ce_type"));
        assertEquals(id, headers.get("ce_subject"));
        assertTrue(headers.containsKey("ce_source"));

        byte[] image = given().get(body.path("imageUrl").asText()).then().statusCode(200)
                .contentType("image/png").extract().asByteArray();
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(image, 4), "the result links a real PNG");
        assertExactlyOneResult(id);
    }

    @Test
    void lostWebhooksAreRecoveredByPolling() {
        Simulator.knobs(Map.of("webhookDropRatio", 1.0));
        List<String> ids = List.of(post(newId("poll"), "a lighthouse"), post(newId("poll"), "a harbour"));

        for (String id : ids) {
            JsonNode body = awaitResult(id).json();
            assertEquals("completed", body.path("status").asText());
            assertEquals("poll", body.path("completedVia").asText());
            int polls = Simulator.polls(body.path("uuid").asText());
            assertTrue(polls >= 1 && polls <= 3, "a few polls per job, not a stream of them: " + polls);
        }
        assertEquals(0, Simulator.counters().path("webhooksSent").asInt());
    }

    @Test
    void webhookThatBeatsTheSubmitResponseIsMatchedLater() {
        Simulator.knobs(Map.of("webhookBeforeResponse", true));
        String id = post(newId("early"), "an early bird");

        JsonNode body = awaitResult(id).json();
        assertEquals("completed", body.path("status").asText());
        assertEquals("webhook", body.path("completedVia").asText());
        assertEquals(0, Simulator.polls(body.path("uuid").asText()), "the parked webhook made polling unnecessary");
    }

    @Test
    void duplicateWebhooksHaveNoSecondEffect() {
        Simulator.knobs(Map.of("webhookDuplicateRatio", 1.0));
        String id = post(newId("dup-webhook"), "two of everything");

        JsonNode body = awaitResult(id).json();
        await().atMost(Duration.ofSeconds(10)).until(() -> Simulator.counters().path("webhooksSent").asInt() >= 2);
        given().contentType(ContentType.JSON)
                .body(Map.of("event", "images.failed", "uuid", body.path("uuid").asText(),
                        "timestamp", "2026-11-25T10:00:00Z"))
                .post("/webhooks/gempix2?token=test-token-2")
                .then().statusCode(200).body("outcome", equalTo("already-finished"));
        assertExactlyOneResult(id);
        assertEquals("completed", KafkaTopics.results(id).get(0).json().path("status").asText(),
                "a later failed event does not replace the first outcome");
    }

    @Test
    void failedGenerationPublishesFailedResult() {
        String id = post(newId("fail"), "sim:fail a broken vase");

        Received result = awaitResult(id);
        JsonNode body = result.json();
        assertEquals("failed", body.path("status").asText());
        assertEquals(5000, body.path("error").path("code").asInt());
        assertEquals("webhook", body.path("completedVia").asText());
        assertTrue(body.path("imageUrl").isNull());
        assertEquals("gempix2.image.failed", result.headers().get("ce_type"));
        assertEquals(id + ":failed", result.headers().get("ce_id"));
    }

    @Test
    void serverErrorsOnSubmitAreRetriedWithBackoff() {
        Simulator.fault("generate", 5000, 500, 1, "empty");
        Simulator.fault("generate", 5000, 200, 1, "envelope");
        String id = post(newId("retry"), "third time lucky");

        JsonNode body = awaitResult(id).json();
        assertEquals("completed", body.path("status").asText());
        assertEquals(3, body.path("attempts").asInt());
        assertEquals(1, Simulator.generationsWith(id).size());
    }

    @Test
    void retriesThatRunOutFailTheJob() {
        Simulator.fault("generate", 5000, 503, 10, "html");
        String id = post(newId("give-up"), "never accepted");

        JsonNode body = awaitResult(id).json();
        assertEquals("failed", body.path("status").asText());
        assertEquals(5000, body.path("error").path("code").asInt());
        assertEquals(5, body.path("attempts").asInt());
        assertTrue(body.path("uuid").isNull());
        assertEquals(0, Simulator.generationsWith(id).size());
    }

    @Test
    void upstreamRejectionIsARejectedResult() {
        Simulator.fault("generate", 1000, 400, 1, "envelope");
        String id = post(newId("upstream-invalid"), "refused upstream");

        JsonNode body = awaitResult(id).json();
        assertEquals("rejected", body.path("status").asText());
        assertEquals(1000, body.path("error").path("code").asInt());
        assertEquals(1, body.path("attempts").asInt());
    }

    @Test
    void duplicateRequestIdStartsOneGeneration() {
        String id = newId("dup-request");
        String message = Requests.textToImage(id, "only once");
        KafkaTopics.send(id, message);
        KafkaTopics.send(id, message);

        assertEquals("completed", awaitResult(id).json().path("status").asText());
        KafkaTopics.send(id, message.replace("only once", "something else"));
        Received dead = Requests.awaitDeadLetter("something else " + id).get(0);
        assertEquals("duplicate-request-id", dead.headers().get("dead-letter-reason"));

        assertExactlyOneResult(id);
        assertEquals(1, Simulator.generationsWith(id).size());
    }

    @Test
    void unparseableMessageIsDeadLetteredAndTheNextOneStillCompletes() {
        String marker = newId("garbage");
        KafkaTopics.send("k", "{not json " + marker);
        KafkaTopics.send("k", new byte[]{(byte) 0xC3, (byte) 0x28, '{', '}'});
        String id = post(newId("after-garbage"), "still working");

        Received dead = Requests.awaitDeadLetter(marker).get(0);
        assertTrue(dead.headers().get("dead-letter-reason").startsWith("not valid JSON"),
                dead.headers().get("dead-letter-reason"));
        assertEquals(KafkaTopics.REQUESTS, dead.headers().get("dead-letter-topic"));
        assertTrue(dead.headers().containsKey("dead-letter-partition"));
        assertTrue(dead.headers().containsKey("dead-letter-offset"));
        assertEquals("completed", awaitResult(id).json().path("status").asText());
    }

    @Test
    void requestWithoutRequestIdOrKeyIsDeadLettered() {
        String marker = newId("no-id");
        KafkaTopics.send(null, "{\"generationType\": \"text_to_image\", \"prompt\": \"" + marker + "\"}");

        Received dead = Requests.awaitDeadLetter(marker).get(0);
        assertTrue(dead.headers().get("dead-letter-reason").startsWith("requestId"));
    }

    @Test
    void requestWithoutRequestIdIsRejectedUnderItsRecordKey() {
        String key = newId("keyed-no-id");
        String value = "{\"generationType\": \"text_to_image\", \"prompt\": \"p\", \"requestId\": 42}";
        KafkaTopics.send(key, value);
        // The same record again (a redelivery, or a producer retry) is not answered twice.
        KafkaTopics.send(key, value);
        String after = post(newId("after-keyed"), "still working");

        Received result = awaitResult(key);
        JsonNode body = result.json();
        assertEquals(key, result.key());
        assertEquals("rejected", body.path("status").asText());
        assertTrue(body.path("requestId").isNull(), body.toString());
        assertEquals(1000, body.path("error").path("code").asInt());
        assertTrue(body.path("error").path("message").asText().startsWith("requestId:"));
        assertEquals(key + ":rejected", result.headers().get("ce_id"));
        assertEquals("gempix2.image.rejected", result.headers().get("ce_type"));
        assertEquals("completed", awaitResult(after).json().path("status").asText());
        Requests.assertExactlyOneResult(key);
        assertTrue(KafkaTopics.deadLetters(key).isEmpty());
    }

    @Test
    void invalidRequestIsRejectedNamingTheFieldWithoutAnyCall() {
        String blank = newId("blank-prompt");
        KafkaTopics.send(blank, "{\"requestId\": \"" + blank + "\", \"generationType\": \"text_to_image\", "
                + "\"prompt\": \"   \"}");
        String ratio = newId("bad-ratio");
        KafkaTopics.send(ratio, "{\"requestId\": \"" + ratio + "\", \"generationType\": \"text_to_image\", "
                + "\"prompt\": \"p\", \"aspectRatio\": \"4:3\", \"metadata\": {\"why\": \"test\"}}");

        JsonNode blankResult = awaitResult(blank).json();
        assertEquals("rejected", blankResult.path("status").asText());
        assertEquals(1000, blankResult.path("error").path("code").asInt());
        assertTrue(blankResult.path("error").path("message").asText().startsWith("prompt:"));
        assertTrue(blankResult.path("uuid").isNull());
        assertEquals(0, blankResult.path("attempts").asInt());
        JsonNode ratioResult = awaitResult(ratio).json();
        assertTrue(ratioResult.path("error").path("message").asText().startsWith("aspectRatio:"));
        assertEquals("test", ratioResult.path("metadata").path("why").asText());
        assertEquals(0, Simulator.calls("generate"), "nothing invalid reaches Gempix2");
    }

    @Test
    void webhookWithWrongTokenIsRefusedAndChangesNothing() {
        Simulator.knobs(Map.of("webhookDropRatio", 1.0));
        String id = post(newId("forged"), "a genuine picture");
        String uuid = await().atMost(Duration.ofSeconds(10))
                .until(() -> Simulator.generationsWith(id), list -> !list.isEmpty())
                .get(0).path("uuid").asText();

        for (String query : List.of("?token=wrong", "")) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("event", "images.failed", "uuid", uuid))
                    .post("/webhooks/gempix2" + query)
                    .then().statusCode(401).body("code", equalTo("unauthorized"));
        }

        JsonNode body = awaitResult(id).json();
        assertEquals("completed", body.path("status").asText(), "the forged failure was not applied");
        assertEquals("poll", body.path("completedVia").asText());
    }

    @Test
    void generationThatNeverFinishesTimesOutWith9002() {
        Simulator.knobs(Map.of("processingMillis", 3_600_000, "webhookDropRatio", 1.0));
        String id = post(newId("stuck"), "an endless render");
        // Moving the clock while the submit call is in flight would expire its lease: wait until it is stored.
        await().atMost(Duration.ofSeconds(10)).until(() -> QuarkusTransaction.requiringNew().call(
                () -> jobs.findByRequestId(id).map(job -> job.status() == JobStatus.SUBMITTED).orElse(false)));

        clock.advance(Duration.ofMinutes(16));

        JsonNode body = awaitResult(id).json();
        assertEquals("failed", body.path("status").asText());
        assertEquals(9002, body.path("error").path("code").asInt());
        assertTrue(body.path("completedVia").isNull());
    }
}
