package com.gempix2.orchestrator.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** A simulator on a random port with a client for it: what every simulator test starts from. */
final class SimulatorHarness implements AutoCloseable {

    static final String KEY = "sim-key";
    static final ObjectMapper JSON = new ObjectMapper();

    /** One HTTP answer, body kept as bytes so that PNGs and HTML pages can be checked too. */
    record Answer(int status, HttpHeaders headers, byte[] body) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        int code() {
            return json().get("code").asInt();
        }

        JsonNode data() {
            return json().get("data");
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        long longHeader(String name) {
            return Long.parseLong(headers.firstValue(name).orElseThrow(() -> new AssertionError("no header " + name)));
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Gempix2Simulator simulator;

    private SimulatorHarness(Knobs knobs, Clock clock) {
        SimulatorSettings settings = new SimulatorSettings("127.0.0.1", 0, Set.of(KEY), Optional.empty(), knobs);
        simulator = new Gempix2Simulator(vertx, settings, clock);
        simulator.start();
    }

    /** Generations that pend for 50 ms and process for 200 ms, so that tests see every status quickly. */
    static SimulatorHarness start() {
        return start(Clock.systemUTC());
    }

    static SimulatorHarness start(Clock clock) {
        return new SimulatorHarness(fastKnobs(), clock);
    }

    static Knobs fastKnobs() {
        return Knobs.defaults().with(json("{\"pendingMillis\": 50, \"processingMillis\": 200}"));
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + simulator.port();
    }

    Answer generate(String body) {
        return send(authorized("/api/generate-image").POST(jsonBody(body)).header("Content-Type", "application/json"));
    }

    Answer textToImage(String prompt, String aspectRatio) {
        return generate("{\"generationType\": \"text_to_image\", \"prompt\": \"" + prompt + "\", \"aspectRatio\": \""
                + aspectRatio + "\"}");
    }

    /** Creates a text_to_image generation and returns its uuid. */
    String newGeneration(String prompt) {
        Answer answer = textToImage(prompt, "auto");
        assertEquals(0, answer.code(), answer.text());
        return answer.data().get("uuid").asText();
    }

    Answer status(String uuid) {
        return send(authorized("/api/image-status/" + uuid).GET());
    }

    String statusOf(String uuid) {
        return status(uuid).data().get("status").asText();
    }

    Answer upload(String fileName, String contentType, byte[] content) {
        String boundary = "----sim-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(authorized("/api/upload-image-image")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    /** Changes knobs through the control API, failing the test if the simulator refuses. */
    JsonNode knobs(String changes) {
        Answer answer = control("PUT", "/sim/knobs", changes);
        assertEquals(200, answer.status(), answer.text());
        return answer.json();
    }

    JsonNode counters() {
        return get("/sim/counters").json();
    }

    Answer control(String method, String path, String body) {
        return send(request(path).method(method, jsonBody(body)).header("Content-Type", "application/json"));
    }

    Answer get(String path) {
        return send(request(path).GET());
    }

    Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl() + path));
    }

    HttpRequest.Builder authorized(String path) {
        return request(path).header("Authorization", "Bearer " + KEY);
    }

    private static HttpRequest.BodyPublisher jsonBody(String body) {
        return body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
    }

    @Override
    public void close() throws Exception {
        simulator.stop();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
