package com.gempix2.orchestrator.testing;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The operator API as an operator drives it, with the test profile's token. */
public final class Operator {

    public static final String TOKEN = "test-admin-token";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Operator() {
    }

    public static void pause() {
        given().auth().oauth2(TOKEN).post("/api/v1/upstream/pause").then().statusCode(200);
    }

    public static void resume() {
        given().auth().oauth2(TOKEN).post("/api/v1/upstream/resume").then().statusCode(200);
    }

    /** The job as {@code GET /api/v1/jobs/{requestId}} shows it; a missing node while it is not stored yet. */
    public static JsonNode job(String requestId) {
        var response = given().auth().oauth2(TOKEN).get("/api/v1/jobs/{id}", requestId);
        if (response.statusCode() == 404) {
            return MAPPER.missingNode();
        }
        try {
            return MAPPER.readTree(response.then().statusCode(200).extract().asString());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    public static String status(String requestId) {
        return job(requestId).path("status").asText("");
    }
}
