package com.gempix2.orchestrator.testing;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.specification.RequestSpecification;

/** The operator API as an operator drives it, on its own port, with the test profile's tokens. */
public final class Operator {

    /** The operator role's token; {@code ops-test} in the audit log. */
    public static final String TOKEN = "test-admin-token-0123456789";
    /** The viewer role's token; {@code grafana-test} in the audit log. */
    public static final String VIEWER_TOKEN = "test-viewer-token-0123456789";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Operator() {
    }

    /** A call to the operator port with the operator's token. */
    public static RequestSpecification api() {
        return anonymous().auth().oauth2(TOKEN);
    }

    /** A call to the operator port with no token. */
    public static RequestSpecification anonymous() {
        return given().port(AppPorts.operator());
    }

    public static void pause() {
        api().post("/api/v1/upstream/pause").then().statusCode(200);
    }

    public static void resume() {
        api().post("/api/v1/upstream/resume").then().statusCode(200);
    }

    /** The job as {@code GET /api/v1/jobs/{requestId}} shows it; a missing node while it is not stored yet. */
    public static JsonNode job(String requestId) {
        var response = api().get("/api/v1/jobs/{id}", requestId);
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
