package com.gempix2.orchestrator.result;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.testing.FreshAccountTest;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.Operator;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/** A result the broker will not take is set aside; it never holds up or repeats the results of other requests. */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class ResultIsolationTest extends FreshAccountTest {

    private static final String RESULTS = "gempix2-results";

    @Inject
    MeterRegistry registry;

    @Test
    void aResultTheBrokerRefusesIsSetAsideAndTheOthersGoOutOnce() throws Exception {
        // The results topic exists once a first result is out.
        String first = post("first");
        awaitResults(first);
        double setAsideBefore = setAsideCount();

        // Results larger than 4 KB are now too large for the topic; the big request's metadata makes one.
        setMaxMessageBytes("4096");
        try {
            String big = newId("big");
            KafkaTopics.send(big, request(big, "{\"blob\": \"" + "b".repeat(10_000) + "\"}"));
            List<String> after = IntStream.range(0, 8).mapToObj(i -> post("after-big-" + i)).toList();

            after.forEach(ResultIsolationTest::awaitResults);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> Operator.api()
                    .get("/api/v1/results/set-aside").then().statusCode(200)
                    .body("requestId", hasItem(big))
                    .body("find { it.requestId == '" + big + "' }.reason", containsString("RecordTooLarge")));
            assertEquals(setAsideBefore + 1, setAsideCount(), "the refusal is counted");
            assertEquals("completed", Operator.status(big), "the job itself is done; only its result waits");
            assertTrue(KafkaTopics.results(big).isEmpty());
            // Held for a while: the relay does not publish the others again while the big one is stuck.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> after.stream().allMatch(id -> KafkaTopics.results(id).size() == 1));

            // The operator raises the limit and retries it: it goes out, once.
            setMaxMessageBytes(null);
            Operator.api().post("/api/v1/results/{id}/retry", big).then().statusCode(204);
            JsonNode result = awaitResults(big);
            assertEquals("completed", result.path("status").asText());
            assertEquals(10_000, result.path("metadata").path("blob").asText().length());
            Operator.api().get("/api/v1/results/set-aside").then().statusCode(200)
                    .body("requestId", org.hamcrest.Matchers.not(hasItem(big)));
            Operator.api().post("/api/v1/results/{id}/retry", big).then().statusCode(404)
                    .body("code", equalTo("not-set-aside"));
        } finally {
            setMaxMessageBytes(null);
        }
    }

    @Test
    void aRecordKeyOverOneKibibyteIsRejectedUnderTheRequestId() {
        String id = newId("long-key");
        String key = "k".repeat(1025);
        KafkaTopics.send(key, request(id, "{}"));

        JsonNode result = awaitResults(id);
        assertEquals("rejected", result.path("status").asText());
        assertEquals(1000, result.path("error").path("code").asInt());
        assertTrue(result.path("error").path("message").asText().startsWith("key:"), result.toString());
        assertEquals(id, KafkaTopics.results(id).get(0).key(), "keyed by the requestId instead");
    }

    private double setAsideCount() {
        return registry.find("gempix2.results.set.aside").tag("reason", "record-too-large").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    /** The results topic's {@code max.message.bytes}; null puts back the broker's default. */
    private static void setMaxMessageBytes(String bytes) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, RESULTS);
        ConfigEntry entry = new ConfigEntry("max.message.bytes", bytes);
        AlterConfigOp op = new AlterConfigOp(entry,
                bytes == null ? AlterConfigOp.OpType.DELETE : AlterConfigOp.OpType.SET);
        try (Admin admin = Admin.create(props)) {
            admin.incrementalAlterConfigs(Map.of(topic, List.of(op))).all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                ConfigEntry now = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic)
                        .get("max.message.bytes");
                return bytes == null ? now.isDefault() : bytes.equals(now.value());
            });
        }
    }

    private static String newId(String what) {
        return what + "-" + UUID.randomUUID();
    }

    private static String request(String id, String metadata) {
        return """
                {"requestId": "%s", "generationType": "text_to_image", "prompt": "isolation %s", "metadata": %s}"""
                .formatted(id, id, metadata);
    }

    private static String post(String what) {
        String id = newId(what);
        KafkaTopics.send(id, request(id, "{}"));
        return id;
    }

    /** The request's one result, once it is out. */
    private static JsonNode awaitResults(String id) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> KafkaTopics.results(id), list -> !list.isEmpty())
                .get(0).json();
    }
}
