package com.gempix2.orchestrator.testing;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.http.ContentType;

/** The Gempix2 simulator's control API, as the tests drive it ({@link SimulatorResource} started it). */
public final class Simulator {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Simulator() {
    }

    /** Where the simulator listens, e.g. {@code http://127.0.0.1:40123}; image URLs start with it. */
    public static String base() {
        return SimulatorResource.running().publicBaseUrl();
    }

    public static void reset() {
        given().post(base() + "/sim/reset").then().statusCode(org.hamcrest.Matchers.lessThan(300));
    }

    public static void knobs(Map<String, ?> changes) {
        given().contentType(ContentType.JSON).body(changes).put(base() + "/sim/knobs").then().statusCode(200);
    }

    /** The next {@code count} calls of {@code endpoint} answer {@code code} with {@code httpStatus}. */
    public static void fault(String endpoint, int code, int httpStatus, int count, String body) {
        given().contentType(ContentType.JSON)
                .body(Map.of("endpoint", endpoint, "code", code, "httpStatus", httpStatus, "count", count,
                        "body", body))
                .post(base() + "/sim/faults").then().statusCode(200);
    }

    public static void clearFaults() {
        given().delete(base() + "/sim/faults").then().statusCode(204);
    }

    public static JsonNode counters() {
        return json(given().get(base() + "/sim/counters").then().statusCode(200).extract().asString());
    }

    public static int calls(String endpoint) {
        return counters().path("calls").path(endpoint).asInt();
    }

    public static int polls(String uuid) {
        return counters().path("pollsByUuid").path(uuid).asInt();
    }

    /** Generations whose prompt contains {@code marker}. */
    public static List<JsonNode> generationsWith(String marker) {
        JsonNode all = json(given().get(base() + "/sim/generations").then().statusCode(200).extract().asString());
        List<JsonNode> found = new java.util.ArrayList<>();
        all.forEach(g -> {
            if (g.path("prompt").asText().contains(marker)) {
                found.add(g);
            }
        });
        return found;
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("simulator answered non-JSON: " + text, e);
        }
    }
}
