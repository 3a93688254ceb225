package com.gempix2.orchestrator.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.Operator;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The operator API answers operators only, and never gives a finished job a second life. */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
class AdminApiTest {

    @Test
    void everyRouteWantsTheOperatorToken() {
        for (String path : new String[] {"/api/v1/jobs?status=queued", "/api/v1/jobs/x", "/api/v1/upstream"}) {
            given().get(path).then().statusCode(401).body("code", equalTo("unauthorized"));
            given().auth().oauth2("not-the-token").get(path).then().statusCode(401);
        }
        given().post("/api/v1/jobs/x/cancel").then().statusCode(401);
    }

    @Test
    void finishedJobIsListedByStatusAndCannotBeRetried() {
        String id = "admin-" + UUID.randomUUID();
        KafkaTopics.send(id, "{\"requestId\": \"" + id + "\", \"generationType\": \"text_to_image\", \"prompt\": \" \"}");
        org.awaitility.Awaitility.await().until(() -> "rejected".equals(Operator.status(id)));

        given().auth().oauth2(Operator.TOKEN).get("/api/v1/jobs?status=rejected&limit=500").then().statusCode(200)
                .body("requestId", hasItem(id));
        given().auth().oauth2(Operator.TOKEN).post("/api/v1/jobs/{id}/retry", id).then().statusCode(409)
                .body("code", equalTo("not-queued"));
    }

    @Test
    void unknownJobAndUnknownStatusAreClearAnswers() {
        given().auth().oauth2(Operator.TOKEN).get("/api/v1/jobs/{id}", "no-such-" + UUID.randomUUID()).then()
                .statusCode(404).body("code", equalTo("not-found"));
        given().auth().oauth2(Operator.TOKEN).get("/api/v1/jobs?status=sleeping").then().statusCode(400);
    }
}
