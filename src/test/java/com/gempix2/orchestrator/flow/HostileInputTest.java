package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.awaitDeadLetter;
import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.KafkaTopics.Received;
import com.gempix2.orchestrator.testing.Operator;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Every entrance answers hostile input with its documented answer and goes on working. */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class HostileInputTest {

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Test
    void hostileMessagesGetTheirAnswersAndTheConsumerKeepsGoing() {
        String tooLarge = newId("too-large");
        KafkaTopics.send(tooLarge,
                "{\"requestId\": \"" + tooLarge + "\", \"prompt\": \"" + "x".repeat(300_000) + "\"}");
        String deep = newId("deep");
        KafkaTopics.send(deep, "{\"requestId\": \"" + deep + "\", \"n\": " + "[".repeat(5000) + "]".repeat(5000) + "}");
        String wrongType = newId("wrong-type");
        KafkaTopics.send(wrongType, "{\"requestId\": \"" + wrongType + "\", \"generationType\": \"text_to_image\", "
                + "\"prompt\": [\"a\", \"list\"]}");
        String hugeMetadata = newId("huge-metadata");
        KafkaTopics.send(hugeMetadata,
                "{\"requestId\": \"" + hugeMetadata + "\", \"generationType\": \"text_to_image\", "
                        + "\"prompt\": \"p\", \"metadata\": {\"blob\": \"" + "m".repeat(20_000) + "\"}}");
        String nul = newId("nul");
        KafkaTopics.send(nul, "{\"requestId\": \"" + nul + "\", \"generationType\": \"text_to_image\", "
                + "\"prompt\": \"a\\u0000b\"}");
        String unknownFields = newId("unknown-fields");
        KafkaTopics.send(unknownFields, "{\"requestId\": \"" + unknownFields
                + "\", \"generationType\": \"text_to_image\", "
                + "\"prompt\": \"extra fields are ignored\", \"colour\": \"blue\", \"__proto__\": {\"admin\": true}}");

        assertTrue(awaitDeadLetter(tooLarge).get(0).headers().get("dead-letter-reason").contains("over the limit"));
        assertTrue(awaitDeadLetter(deep).get(0).headers().get("dead-letter-reason").startsWith("not valid JSON"));
        assertEquals("prompt: must be a string", awaitResult(wrongType).json().path("error").path("message").asText());
        assertTrue(awaitResult(hugeMetadata).json().path("error").path("message").asText().startsWith("metadata:"));
        assertEquals("prompt: must not contain NUL characters",
                awaitResult(nul).json().path("error").path("message").asText());
        JsonNode accepted = awaitResult(unknownFields).json();
        assertEquals("completed", accepted.path("status").asText(), "the consumer went on past every bad message");
    }

    @Test
    void aBurstIsStoredInBatchesAndOnlyItsBadRecordsAreDeadLettered() throws Exception {
        List<Map.Entry<String, String>> burst = new ArrayList<>();
        List<String> good = new ArrayList<>();
        List<String> garbage = new ArrayList<>();
        List<String> conflicting = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String id = newId("burst");
            good.add(id);
            burst.add(Map.entry(id, Requests.textToImage(id, "burst")));
            if (i % 8 == 3) {
                String marker = newId("garbage");
                garbage.add(marker);
                burst.add(Map.entry(marker, "{not json " + marker));
            }
            if (i % 10 == 5) {
                // The same requestId again: with another payload dead-lettered, with the same one ignored.
                conflicting.add(id);
                burst.add(Map.entry(id, Requests.textToImage(id, "another prompt")));
                burst.add(Map.entry(id, Requests.textToImage(id, "burst")));
            }
        }
        KafkaTopics.sendAll(KafkaTopics.REQUESTS, burst);

        for (String marker : garbage) {
            assertTrue(awaitDeadLetter(marker).get(0).headers().get("dead-letter-reason").startsWith("not valid JSON"));
        }
        for (String id : conflicting) {
            Received dead = awaitDeadLetter("another prompt " + id).get(0);
            assertEquals("duplicate-request-id", dead.headers().get("dead-letter-reason"));
            assertEquals(KafkaTopics.REQUESTS, dead.headers().get("dead-letter-topic"));
        }
        for (String id : good) {
            assertEquals("completed", awaitResult(id).json().path("status").asText(), id);
        }
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> good.stream().allMatch(id -> KafkaTopics.results(id).size() == 1));
        assertEquals(conflicting.size(), good.stream().mapToInt(id -> KafkaTopics.deadLetters(id).size()).sum(),
                "only the conflicting duplicates of good requests are dead letters");
        // Everything stored or dead-lettered: the service's offsets reach the end of the topic.
        await().atMost(Duration.ofSeconds(30)).until(() -> KafkaTopics.uncommitted(KafkaTopics.REQUESTS,
                "gempix2-orchestrator") == 0);
    }

    @Test
    void webhookTokenNeverReachesTheLogAndRefusalsAreCountedNotLogged() throws IOException {
        double refusedBefore = registry.find("gempix2.webhooks").tag("outcome", "unauthorized").counters().stream()
                .mapToDouble(c -> c.count()).sum();
        String canary = "canary-token-" + newId("t");
        given().contentType(ContentType.JSON).body(Map.of("event", "images.failed", "uuid", "u"))
                .post("/webhooks/gempix2?token=" + canary).then().statusCode(401);
        given().contentType(ContentType.JSON).body("{not json")
                .post("/webhooks/gempix2?token=test-token-2").then().statusCode(400);
        given().contentType(ContentType.TEXT).body("x")
                .post("/webhooks/gempix2?token=test-token-1&token=" + canary).then().statusCode(415);
        String sentinel = newId("log-sentinel");
        Operator.api().get("/api/v1/jobs/" + sentinel).then().statusCode(404);

        // The access log is written once an answer has gone out: the sentinel call after the webhooks shows it is.
        String log = await().atMost(Duration.ofSeconds(10)).until(
                () -> Files.readString(Path.of("target", "quarkus-test.log")),
                text -> text.contains(sentinel));
        assertFalse(log.contains("POST /webhooks/gempix2"),
                "webhook calls are not access-logged: a flood would fill it");
        assertFalse(log.contains(canary), "a refused token is not logged");
        assertFalse(log.contains("test-token-2") || log.contains("test-token-1"), "an accepted token is not logged");
        assertEquals(refusedBefore + 1, registry.find("gempix2.webhooks").tag("outcome", "unauthorized").counters()
                .stream().mapToDouble(c -> c.count()).sum(), "the refusal is counted");
    }

    @Test
    void aBadTokenIsRefusedBeforeItsBodyIsRead() {
        // Over the 1 MiB body limit: a check after reading the body would answer 413; the early one answers 401.
        byte[] body = new byte[2 * 1024 * 1024];
        given().contentType(ContentType.JSON).body(body).post("/webhooks/gempix2?token=wrong").then().statusCode(401);
    }

    @Test
    void pathTricksMeetTheSameTokenCheck() {
        String forged = "{\"event\": \"images.failed\", \"uuid\": \"u-trick\"}";
        for (String path : new String[]{"/webhooks/%67empix2", "//webhooks/gempix2", "/x/../webhooks/gempix2",
                "/webhooks/gempix2/", "/WEBHOOKS/gempix2"}) {
            int status = given().urlEncodingEnabled(false).contentType(ContentType.JSON).body(forged)
                    .post(path).then().extract().statusCode();
            assertTrue(status == 401 || status == 404 || status == 405, path + " answered " + status);
        }
    }

    @Test
    void unauthenticatedWebhookIsRefusedBeforeItsBodyIsRead() {
        given().contentType(ContentType.JSON).body("x".repeat(200_000))
                .post("/webhooks/gempix2?token=nope").then().statusCode(401).body("code", equalTo("unauthorized"));
    }
}
