package com.gempix2.orchestrator.admin;

import static com.gempix2.orchestrator.testing.AppPorts.management;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.Operator;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;

/**
 * The operator API answers on its own port only, to the roles that may, audits every change, and never gives a
 * finished job a second life.
 */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class OperatorApiTest {

    private static final Path LOG = Path.of("target", "quarkus-test.log");

    @Inject
    MeterRegistry registry;

    @Test
    void everyRouteWantsAToken() {
        for (String path : new String[]{"/api/v1/jobs?status=queued", "/api/v1/jobs/x", "/api/v1/upstream",
                "/api/v1/results/set-aside"}) {
            Operator.anonymous().get(path).then().statusCode(401).header("WWW-Authenticate", "Bearer")
                    .body("code", equalTo("unauthorized"));
            Operator.anonymous().auth().oauth2("not-the-token-0123456789").get(path).then().statusCode(401)
                    .body("code", equalTo("unauthorized"));
        }
        Operator.anonymous().post("/api/v1/jobs/x/cancel").then().statusCode(401);
    }

    @Test
    void thePublicPortHasNoOperatorApiAndTheOperatorPortNoWebhook() {
        for (String path : new String[]{"/api/v1/upstream", "//api/v1/upstream", "/api/../api/v1/upstream",
                "/api;x/v1/upstream", "/api/v1;x/upstream", "/%61pi/v1/upstream", "/api%2Fv1/upstream"}) {
            given().urlEncodingEnabled(false).auth().oauth2(Operator.TOKEN).get(path).then().statusCode(404);
            given().urlEncodingEnabled(false).get(path).then().statusCode(404);
        }
        given().auth().oauth2(Operator.TOKEN).post("/api/v1/upstream/pause").then().statusCode(404);
        Operator.api().get("/api/v1/upstream").then().statusCode(200).body("pausedByOperator", equalTo(false));

        Operator.anonymous().contentType(ContentType.JSON).body("{\"event\": \"images.failed\", \"uuid\": \"u\"}")
                .post("/webhooks/gempix2?token=test-token-1").then().statusCode(404);
        Operator.anonymous().get("/q/health/ready").then().statusCode(404);
    }

    @Test
    void aViewerReadsButChangesNothing() {
        String finished = rejectedJob();
        Operator.anonymous().auth().oauth2(Operator.VIEWER_TOKEN).get("/api/v1/upstream").then().statusCode(200);
        Operator.anonymous().auth().oauth2(Operator.VIEWER_TOKEN).get("/api/v1/jobs/{id}", finished).then()
                .statusCode(200);
        for (String change : new String[]{"/api/v1/upstream/pause", "/api/v1/upstream/resume",
                "/api/v1/jobs/" + finished + "/cancel", "/api/v1/jobs/" + finished + "/retry",
                "/api/v1/results/" + finished + "/retry"}) {
            Operator.anonymous().auth().oauth2(Operator.VIEWER_TOKEN).post(change).then().statusCode(403)
                    .body("code", equalTo("forbidden"));
        }
        Operator.api().get("/api/v1/upstream").then().body("pausedByOperator", equalTo(false));
        Operator.api().get("/api/v1/jobs/{id}", finished).then().body("status", equalTo("rejected"))
                .body("cancelRequested", equalTo(false));
    }

    @Test
    void everyChangeIsAuditedWithWhoWhatAndWhenAndCounted() throws IOException {
        String finished = rejectedJob();
        double pausesBefore = count("pause", "done");
        double deniedBefore = count("pause", "forbidden");
        double anonymousBefore = count("pause", "unauthorized");
        double refusedBefore = count("retry", "refused");
        try {
            Operator.pause();
        } finally {
            Operator.resume();
        }
        Operator.anonymous().auth().oauth2(Operator.VIEWER_TOKEN).post("/api/v1/upstream/pause").then().statusCode(403);
        Operator.anonymous().post("/api/v1/upstream/pause").then().statusCode(401);
        Operator.api().post("/api/v1/jobs/{id}/retry", finished).then().statusCode(409);

        List<String> audit = await().atMost(Duration.ofSeconds(10)).until(() -> auditLines(),
                lines -> lines.stream().anyMatch(l -> l.contains("target=" + finished)));
        assertTrue(audit.stream()
                .anyMatch(l -> l.contains("who=ops-test action=pause target=- outcome=done status=200 at=")));
        assertTrue(audit.stream().anyMatch(l -> l.contains("who=ops-test action=resume target=- outcome=done")));
        assertTrue(audit.stream()
                .anyMatch(l -> l.contains("who=grafana-test action=pause target=- outcome=forbidden status=403")));
        assertTrue(audit.stream()
                .anyMatch(l -> l.contains("who=anonymous action=pause target=- outcome=unauthorized status=401")));
        assertTrue(audit.stream().anyMatch(l -> l.contains("who=ops-test action=retry target=" + finished
                + " outcome=refused status=409")));
        assertEquals(pausesBefore + 1, count("pause", "done"));
        assertEquals(deniedBefore + 1, count("pause", "forbidden"));
        assertEquals(anonymousBefore + 1, count("pause", "unauthorized"));
        assertEquals(refusedBefore + 1, count("retry", "refused"));

        String log = Files.readString(LOG);
        assertFalse(log.contains(Operator.TOKEN) || log.contains(Operator.VIEWER_TOKEN), "no operator token is logged");
    }

    @Test
    void readsAreNotAudited() throws IOException {
        String sentinel = "read-" + UUID.randomUUID();
        Operator.api().get("/api/v1/jobs/{id}", sentinel).then().statusCode(404);
        Operator.api().post("/api/v1/results/{id}/retry", sentinel).then().statusCode(404);
        List<String> audit = await().atMost(Duration.ofSeconds(10)).until(() -> auditLines(),
                lines -> lines.stream().anyMatch(l -> l.contains("target=" + sentinel)));
        assertEquals(1, audit.stream().filter(l -> l.contains(sentinel)).count(), "the set-aside retry only");
    }

    @Test
    void openApiDeclaresTheSchemeAndTheErrorAnswers() {
        given().accept(ContentType.JSON).get(management() + "/q/openapi?format=json").then().statusCode(200)
                .body("components.securitySchemes.operator-token.type", equalTo("http"))
                .body("components.securitySchemes.operator-token.scheme", equalTo("bearer"))
                .body("paths.'/api/v1/upstream/pause'.post.security.operator-token", hasItem(List.of()))
                .body("paths.'/api/v1/upstream/pause'.post.responses", hasKey("401"))
                .body("paths.'/api/v1/upstream/pause'.post.responses", hasKey("403"))
                .body("paths.'/api/v1/jobs/{requestId}/retry'.post.responses", hasKey("409"))
                .body("paths.'/webhooks/gempix2'.post", org.hamcrest.Matchers.not(hasKey("security")));
    }

    @Test
    void finishedJobIsListedByStatusAndCannotBeRetried() {
        String id = rejectedJob();
        Operator.api().get("/api/v1/jobs?status=rejected&limit=500").then().statusCode(200)
                .body("requestId", hasItem(id));
        Operator.api().post("/api/v1/jobs/{id}/retry", id).then().statusCode(409).body("code", equalTo("not-queued"));
    }

    @Test
    void unknownJobAndUnknownStatusAreClearAnswers() {
        Operator.api().get("/api/v1/jobs/{id}", "no-such-" + UUID.randomUUID()).then().statusCode(404)
                .body("code", equalTo("not-found"));
        Operator.api().get("/api/v1/jobs?status=sleeping").then().statusCode(400);
    }

    private static String rejectedJob() {
        String id = "admin-" + UUID.randomUUID();
        KafkaTopics.send(id,
                "{\"requestId\": \"" + id + "\", \"generationType\": \"text_to_image\", \"prompt\": \" \"}");
        await().until(() -> "rejected".equals(Operator.status(id)));
        return id;
    }

    private double count(String action, String outcome) {
        return registry.find("gempix2.operator.actions").tags("action", action, "outcome", outcome).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private static List<String> auditLines() throws IOException {
        return Files.readAllLines(LOG).stream().filter(l -> l.contains("Operator audit:")).toList();
    }
}
