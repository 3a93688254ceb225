package com.gempix2.orchestrator.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.testing.KafkaBroker;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Health, metrics and OpenAPI live on the management port, never on the public one. */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
class OperationsTest {

    private static final String MANAGEMENT = "http://127.0.0.1:19001";
    private static final String PUBLIC = "http://127.0.0.1:18081";

    @Test
    void healthProbesAnswerOnTheManagementPort() {
        for (String probe : new String[] {"live", "ready", "started"}) {
            given().get(MANAGEMENT + "/q/health/" + probe).then().statusCode(200).body("status", equalTo("UP"));
        }
        given().get(MANAGEMENT + "/q/health/ready").then().body("checks.name", hasItem(containsString("Database")));
    }

    @Test
    void upstreamStateHasAHealthGroupOfItsOwn() {
        given().get(MANAGEMENT + "/q/health/group/upstream").then().statusCode(200)
                .body("checks.name", hasItem("gempix2"));
        given().get(MANAGEMENT + "/q/health/ready").then()
                .body("checks.name", org.hamcrest.Matchers.not(hasItem("gempix2")));
    }

    @Test
    void prometheusMetricsIncludeTheBusinessMeters() {
        given().get(MANAGEMENT + "/q/metrics").then().statusCode(200)
                .body(containsString("gempix2_jobs{"))
                .body(containsString("gempix2_quota_limit"))
                .body(containsString("gempix2_upstream_paused"));
    }

    @Test
    void nothingOperationalIsExposedOnThePublicPort() {
        for (String path : new String[] {"/q/health", "/q/health/ready", "/q/metrics", "/q/openapi"}) {
            given().get(PUBLIC + path).then().statusCode(404);
        }
        given().get(MANAGEMENT + "/q/openapi").then().statusCode(200).body(containsString("/webhooks/gempix2"));
    }
}
