package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static com.gempix2.orchestrator.flow.Requests.post;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.testing.FreshAccountTest;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.Operator;
import com.gempix2.orchestrator.testing.Simulator;
import com.gempix2.orchestrator.testing.SimulatorResource;
import com.standardwebhooks.Webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;

/**
 * A receiver with a signing secret, completions confirmed when unsigned, and an image host allow-list:
 * a signed webhook is trusted, an unsigned completion is re-read from Gempix2, forgeries change nothing.
 */
@QuarkusTest
@TestProfile(WebhookSecurityTest.Hardened.class)
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class WebhookSecurityTest extends FreshAccountTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ROUTE = "/webhooks/gempix2?token=test-token-1";

    /** Signed webhooks verified, unsigned completions confirmed, images only from the simulator's host. */
    public static class Hardened implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gempix2.webhook-signing-secret", SECRET,
                    "gempix2.webhook-confirm", "when-unsigned",
                    "gempix2.webhook-image-hosts", "127.0.0.1,cdn.example",
                    "gempix2.webhook.park-max", "3");
        }
    }

    @Inject
    MeterRegistry registry;

    @Test
    void unsignedCompletionIsConfirmedWithGempix2() {
        String id = post(newId("confirmed"), "trust but verify");

        JsonNode result = awaitResult(id).json();
        assertEquals("completed", result.path("status").asText());
        assertEquals("webhook", result.path("completedVia").asText());
        assertEquals(1, Simulator.polls(result.path("uuid").asText()), "one status read confirmed the webhook");
    }

    @Test
    void signedCompletionIsTrustedAndItsReplayHasNoSecondEffect() throws Exception {
        Simulator.knobs(Map.of("webhookDropRatio", 1.0, "processingMillis", 60_000));
        String id = post(newId("signed"), "signed and sealed");
        String uuid = awaitSubmitted(id);
        double confirmations = confirmations();
        String body = "{\"event\": \"images.completed\", \"uuid\": \"%s\", \"imageUrl\": \"https://cdn.example/%s.png\"}"
                .formatted(uuid, uuid);

        signed("msg_" + uuid, body).post(ROUTE).then().statusCode(200).body("outcome", equalTo("applied"));
        signed("msg_" + uuid, body).post(ROUTE).then().statusCode(200).body("outcome", equalTo("duplicate-delivery"));

        JsonNode result = awaitResult(id).json();
        assertEquals("https://cdn.example/" + uuid + ".png", result.path("imageUrl").asText());
        assertEquals(confirmations, confirmations(), "a signed webhook needs no confirmation");
    }

    @Test
    void forgedSignatureAndForeignImageHostChangeNothing() throws Exception {
        Simulator.knobs(Map.of("webhookDropRatio", 1.0, "processingMillis", 60_000));
        String id = post(newId("forged"), "not what it seems");
        String uuid = awaitSubmitted(id);
        String failed = "{\"event\": \"images.failed\", \"uuid\": \"" + uuid + "\"}";

        given().contentType(ContentType.JSON)
                .header("webhook-id", "msg_forged_" + uuid)
                .header("webhook-timestamp", Long.toString(System.currentTimeMillis() / 1000))
                .header("webhook-signature", "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
                .body(failed)
                .post(ROUTE).then().statusCode(401).body("code", equalTo("bad-signature"));
        given().contentType(ContentType.JSON)
                .body(Map.of("event", "images.completed", "uuid", uuid, "imageUrl", "https://attacker.example/x.png"))
                .post(ROUTE).then().statusCode(400).body("code", equalTo("image-host-not-allowed"));

        assertEquals("submitted", Operator.status(id), "neither webhook changed the job");
    }

    @Test
    void webhooksForUnknownGenerationsAreKeptOnlyUpToTheLimit() {
        for (int i = 0; i < 3; i++) {
            unknownFailure().then().statusCode(202).body("outcome", equalTo("parked"));
        }
        unknownFailure().then().statusCode(503).body("code", equalTo("park-full"));
    }

    private static io.restassured.response.Response unknownFailure() {
        return given().contentType(ContentType.JSON)
                .body(Map.of("event", "images.failed", "uuid", java.util.UUID.randomUUID().toString()))
                .post(ROUTE);
    }

    private double confirmations() {
        return registry.find("gempix2.webhook.confirmations").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static String awaitSubmitted(String id) {
        await().atMost(Duration.ofSeconds(15)).until(() -> "submitted".equals(Operator.status(id)));
        return Operator.job(id).path("uuid").asText();
    }

    private static RequestSpecification signed(String deliveryId, String body) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        return given().contentType(ContentType.JSON)
                .header("webhook-id", deliveryId)
                .header("webhook-timestamp", Long.toString(now))
                .header("webhook-signature", new Webhook(SECRET).sign(deliveryId, now, body))
                .body(body);
    }
}
