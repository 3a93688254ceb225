package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static com.gempix2.orchestrator.flow.Requests.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.testing.KafkaBroker;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The packaged jar, as users run it: healthy, and a request goes all the way through. */
@QuarkusIntegrationTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
class PackagedAppIT {

    @Test
    void packagedServiceIsReadyAndCompletesARequest() {
        given().get("http://127.0.0.1:19001/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));

        String id = post(newId("packaged"), "a packaged parcel");

        JsonNode result = awaitResult(id).json();
        assertEquals("completed", result.path("status").asText());
        assertEquals("webhook", result.path("completedVia").asText());
    }
}
