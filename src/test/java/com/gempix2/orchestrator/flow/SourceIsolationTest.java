package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.testing.FreshAccountTest;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.SimulatorResource;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/** A slow source image delays only its own job; source bytes are capped and do not outlive their use. */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class SourceIsolationTest extends FreshAccountTest {

    @Inject
    EntityManager em;

    private HttpServer trickle;
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger downloading = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();

    @BeforeEach
    void startTrickle() throws IOException {
        // A source that sends a PNG's first bytes and then one byte every 50 ms: far below the minimum rate.
        trickle = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        trickle.setExecutor(Executors.newCachedThreadPool());
        trickle.createContext("/slow.png", exchange -> {
            // A download the service has just cut off is seen here only once a byte fails to go out (within two
            // ticks), while the service may already have started the next one: those get a moment to be seen closed.
            // (A third download at once is then caught as long as the other two outlive that moment, as they do
            // unless they are themselves about to be cut off.)
            try {
                await().atMost(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(10))
                        .until(() -> downloading.get() < 2);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // More than two at once: counted below.
            }
            mostAtOnce.accumulateAndGet(downloading.incrementAndGet(), Math::max);
            try (OutputStream out = exchange.getResponseBody()) {
                exchange.sendResponseHeaders(200, 0);
                out.write(SourceImageTest.png("slow"), 0, 8);
                out.flush();
                // The pace is set by a timer, one byte a tick; the download ends when the service cuts it off.
                CompletableFuture<Void> cutOff = new CompletableFuture<>();
                ScheduledFuture<?> ticks = pacer.scheduleAtFixedRate(() -> {
                    try {
                        out.write(0);
                        out.flush();
                    } catch (IOException e) {
                        cutOff.complete(null);
                    }
                }, 50, 50, TimeUnit.MILLISECONDS);
                try {
                    cutOff.get(2, TimeUnit.MINUTES);
                } catch (InterruptedException | ExecutionException | TimeoutException e) {
                    // Stopped with the test.
                } finally {
                    ticks.cancel(false);
                }
            } catch (IOException e) {
                // The service cut the download off.
            } finally {
                downloading.decrementAndGet();
            }
        });
        trickle.start();
    }

    @AfterEach
    void stopTrickle() {
        trickle.stop(0);
        pacer.shutdownNow();
    }

    @Test
    void slowSourcesHoldUpOnlyTheirOwnJobs() {
        String slowUrl = "http://127.0.0.1:" + trickle.getAddress().getPort() + "/slow.png";
        List<String> slow = IntStream.range(0, 4).mapToObj(i -> newId("slow-source")).toList();
        slow.forEach(id -> send(id, "slow-tenant", "\"sourceImage\": {\"url\": \"" + slowUrl + "\"}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> downloading.get() > 0);

        // Another tenant's plain requests, sent while the slow downloads are in progress, go through at once.
        List<String> fast = IntStream.range(0, 5).mapToObj(i -> newId("beside-slow")).toList();
        fast.forEach(id -> send(id, "fast-tenant", "\"generationType\": \"text_to_image\""));
        Instant lastFast = Instant.MIN;
        for (String id : fast) {
            JsonNode result = awaitResult(id).json();
            assertEquals("completed", result.path("status").asText());
            Instant finished = Instant.parse(result.path("finishedAt").asText());
            lastFast = finished.isAfter(lastFast) ? finished : lastFast;
        }

        for (String id : slow) {
            JsonNode result = await().atMost(Duration.ofSeconds(90)).until(() -> KafkaTopics.results(id),
                    list -> !list.isEmpty()).get(0).json();
            assertEquals("failed", result.path("status").asText(), result.toString());
            assertEquals(9005, result.path("error").path("code").asInt());
            assertTrue(result.path("error").path("message").asText().contains("fewer than"), result.toString());
            assertTrue(Instant.parse(result.path("finishedAt").asText()).isAfter(lastFast),
                    "the slow jobs were still downloading when the others had finished");
        }
        assertTrue(mostAtOnce.get() <= 2, "at most two downloads from one host at once, saw " + mostAtOnce.get());
    }

    @Test
    void sourceBytesOverTheTenantsCapAreRejectedAndHeldBytesGoOnceUsed() {
        // The test profile allows 100 KB per tenant; this image alone is 120 KB.
        byte[] big = new byte[120_000];
        System.arraycopy(SourceImageTest.png("big"), 0, big, 0, 8);
        String tooMuch = newId("over-cap");
        send(tooMuch, "capped-tenant", "\"sourceImage\": {\"base64\": \"" + Base64.getEncoder().encodeToString(big)
                + "\", \"contentType\": \"image/png\"}");
        String small = newId("under-cap");
        send(small, "capped-tenant", "\"sourceImage\": {\"base64\": \""
                + Base64.getEncoder().encodeToString(SourceImageTest.png(small))
                + "\", \"contentType\": \"image/png\"}");

        JsonNode rejected = awaitResult(tooMuch).json();
        assertEquals("rejected", rejected.path("status").asText());
        assertEquals(9005, rejected.path("error").path("code").asInt());
        assertTrue(rejected.path("error").path("message").asText().startsWith("sourceImage: the service holds"),
                rejected.toString());
        assertEquals("completed", awaitResult(small).json().path("status").asText());
        assertEquals(0, heldBytesOf(List.of(tooMuch, small)), "no bytes are kept once a job is done");
    }

    private long heldBytesOf(List<String> requestIds) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery("""
                select count(*) from source_image s join job j on j.id = s.job_id where j.request_id in (:ids)""")
                .setParameter("ids", requestIds).getSingleResult()).longValue());
    }

    private static void send(String id, String tenant, String fields) {
        String generationType = fields.contains("generationType") ? "" : "\"generationType\": \"image_to_image\", ";
        KafkaTopics.send(id, """
                {"requestId": "%s", %s"prompt": "isolation %s", "tenant": "%s", %s}"""
                .formatted(id, generationType, id, tenant, fields));
    }
}
