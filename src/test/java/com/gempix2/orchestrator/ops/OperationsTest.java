package com.gempix2.orchestrator.ops;

import static com.gempix2.orchestrator.testing.AppPorts.management;
import static com.gempix2.orchestrator.testing.AppPorts.publicUrl;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Health, metrics and OpenAPI live on the management port, never on the public one. */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class OperationsTest {

    /** promtool's exit status when the scrape parses but its lint has advice. */
    private static final int LINT_ADVICE_ONLY = 3;

    @Test
    void healthProbesAnswerOnTheManagementPort() {
        for (String probe : new String[]{"live", "ready", "started"}) {
            given().get(management() + "/q/health/" + probe).then().statusCode(200).body("status", equalTo("UP"));
        }
        given().get(management() + "/q/health/ready").then().body("checks.name", hasItem(containsString("Database")));
    }

    @Test
    void upstreamStateHasAHealthGroupOfItsOwn() {
        given().get(management() + "/q/health/group/upstream").then()
                .body("checks.name", hasItem("gempix2"), "checks.name", hasItem("webhooks"));
        given().get(management() + "/q/health/ready").then()
                .body("checks.name", org.hamcrest.Matchers.not(hasItem("gempix2")),
                        "checks.name", org.hamcrest.Matchers.not(hasItem("webhooks")));
    }

    @Test
    void prometheusMetricsIncludeTheBusinessMeters() {
        given().get(management() + "/q/metrics").then().statusCode(200)
                .body(containsString("gempix2_jobs{"))
                .body(containsString("gempix2_quota_limit"))
                .body(containsString("gempix2_upstream_paused"));
    }

    @Test
    void metricsPassPromtoolsCheck() throws Exception {
        // Strict scrapers (Prometheus' own promtool, Telegraf, New Relic) refuse a whole scrape over one bad line.
        String scrape = given().get(management() + "/q/metrics").then().statusCode(200).extract().asString();
        Path file = Files.createDirectories(Path.of("target")).resolve("metrics-scrape.txt");
        Files.writeString(file, scrape);

        Process promtool = new ProcessBuilder("promtool", "check", "metrics")
                .redirectInput(file.toFile()).redirectErrorStream(true).start();
        String verdict = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(promtool.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
        // Exit 1 is a scrape that does not parse; 3 is lint advice only (names of the Kafka client's and the JVM's
        // meters, and promtool 2.42 looking for the HELP of a counter under its _total name), which no scraper refuses.
        assertTrue(promtool.exitValue() == 0 || promtool.exitValue() == LINT_ADVICE_ONLY,
                "promtool check metrics on " + file + " exited " + promtool.exitValue() + ":\n" + verdict);
        assertFalse(verdict.contains("error while linting"), verdict);
    }

    @Test
    void nothingOperationalIsExposedOnThePublicPort() {
        for (String path : new String[]{"/q/health", "/q/health/ready", "/q/metrics", "/q/openapi"}) {
            given().get(publicUrl() + path).then().statusCode(404);
        }
        given().get(management() + "/q/openapi").then().statusCode(200).body(containsString("/webhooks/gempix2"));
    }
}
