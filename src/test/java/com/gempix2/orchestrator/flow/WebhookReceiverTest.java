package com.gempix2.orchestrator.flow;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** What the public webhook route answers to every kind of caller. */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class WebhookReceiverTest {

    private static final String ROUTE = "/webhooks/gempix2?token=test-token-1";

    @Test
    void webhookForAnUnknownUuidIsParked() {
        given().contentType(ContentType.JSON)
                .body(Map.of("event", "images.completed", "uuid", UUID.randomUUID().toString(),
                        "imageUrl", "https://cdn.example/x.png", "timestamp", "2026-11-25T10:05:00Z"))
                .post(ROUTE)
                .then().statusCode(202).body("outcome", equalTo("parked"));
    }

    @Test
    void secondRotationTokenIsAccepted() {
        given().contentType(ContentType.JSON)
                .body(Map.of("event", "images.failed", "uuid", UUID.randomUUID().toString()))
                .post("/webhooks/gempix2?token=test-token-2")
                .then().statusCode(202);
    }

    @Test
    void bodyThatIsNotJsonIs400() {
        given().contentType(ContentType.JSON).body("{\"event\": ")
                .post(ROUTE)
                .then().statusCode(400).body("code", equalTo("malformed-webhook"));
    }

    @Test
    void missingFieldsAre400NamingTheField() {
        given().contentType(ContentType.JSON).body(Map.of("event", "images.completed"))
                .post(ROUTE)
                .then().statusCode(400).body("message", startsWith("uuid"));
        given().contentType(ContentType.JSON).body(Map.of("event", "images.completed", "uuid", "u-1"))
                .post(ROUTE)
                .then().statusCode(400).body("message", startsWith("imageUrl"));
        given().contentType(ContentType.JSON).body(Map.of("uuid", "u-1"))
                .post(ROUTE)
                .then().statusCode(400).body("message", startsWith("event"));
    }

    @Test
    void imageUrlMustBeAnAbsoluteWebUrl() {
        given().contentType(ContentType.JSON)
                .body(Map.of("event", "images.completed", "uuid", "u-2", "imageUrl", "file:///etc/passwd"))
                .post(ROUTE)
                .then().statusCode(400).body("message", startsWith("imageUrl"));
    }

    @Test
    void bodyOver64KiBIs413() {
        String padding = "x".repeat(70 * 1024);
        given().contentType(ContentType.JSON)
                .body(Map.of("event", "images.failed", "uuid", "u-3", "padding", padding))
                .post(ROUTE)
                .then().statusCode(413).body("code", equalTo("payload-too-large"));
    }

    @Test
    void nonJsonContentTypeIs415() {
        given().contentType(ContentType.TEXT).body("event=images.failed")
                .post(ROUTE)
                .then().statusCode(415);
    }

    @Test
    void unknownEventTypeIsAcknowledgedAndIgnored() {
        given().contentType(ContentType.JSON).body(Map.of("event", "images.started", "uuid", "u-4"))
                .post(ROUTE)
                .then().statusCode(202).body("outcome", equalTo("ignored"));
    }
}
