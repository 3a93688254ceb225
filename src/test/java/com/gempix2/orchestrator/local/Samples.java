package com.gempix2.orchestrator.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;

/**
 * The samples of {@code deploy/local/requests/}, sent as a business system would, and what comes back: one result
 * per JSON sample with its {@code metadata.expectedStatus}, the dead letter of the not-JSON one, the images.
 * {@code @RUN@} in a sample becomes the run's id (so each run has new requestIds) and {@code @SOURCE_IMAGE_URL@} an
 * image uploaded to the simulator.
 */
final class Samples {

    private static final Duration RESULTS_TIMEOUT = Duration.ofSeconds(120);
    /** A 64x36 PNG of a sunny meadow: the source image of the image_to_image samples. */
    private static final String SOURCE_PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAEAAAAAkCAMAAAAO0sygAAAADFBMVEWHzuv/1wBQqjz"
            + "////Upt2MAAAAb0lEQVR4Xu2T2w5AMAxAW/z/H4tFtuotY1OJl54XUc6xDABJGLSDtR52PRVU49CnTPP7BRKosNEF4d5xPRBbYaGB8X"
            + "sLcHBAMeyLgHTGfbeJT/D9bg9eMrsC9xqnA/ZDSpJPwOjPEPUzABk4+T9QAAC9DCY80jNkAAAAAElFTkSuQmCC";
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalDirs dirs;
    private final String runId;
    /** requestId of each JSON sample, in file order, and the status it expects. */
    private final Map<String, String> expected = new LinkedHashMap<>();
    /** The first result of each, as received (a republished duplicate is ignored). */
    private final Map<String, JsonNode> results = new LinkedHashMap<>();
    /** Record keys of the samples that are not JSON and must be dead-lettered. */
    private final List<String> notJsonKeys = new ArrayList<>();
    private boolean deadLetterSeen;

    Samples(LocalDirs dirs, String runId) {
        this.dirs = dirs;
        this.runId = runId;
    }

    /** True when everything came back as the samples expect. */
    boolean sendAndCheck() {
        LocalRun.step("Sending the samples of " + dirs.shown(dirs.requests()) + " to " + KafkaTopics.REQUESTS
                + " (run " + runId + ")");
        List<Map.Entry<String, String>> records = prepare(uploadSourceImage());
        try (KafkaConsumer<String, String> consumer = consumer()) {
            send(records);
            awaitAnswers(consumer);
        }
        boolean imagesOk = downloadImages();
        return verdict() && imagesOk;
    }

    /** Uploads the meadow to the simulator as a business system would have it hosted; its URL. */
    private static String uploadSourceImage() {
        String boundary = "----local-run-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename=\"source-meadow.png\"\r\nContent-Type: image/png\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Base64.getDecoder().decode(SOURCE_PNG_BASE64));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> answer = LocalRun.send(HttpRequest
                .newBuilder(URI.create(LocalRun.SIMULATOR_URL + "/api/upload-image-image"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + LocalRun.SIMULATOR_KEY)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        JsonNode envelope = answer == null ? null : json(answer.body());
        if (envelope == null || answer.statusCode() != 200 || envelope.path("code").asInt(-1) != 0
                || !envelope.path("data").hasNonNull("imageUrl")) {
            throw new LocalRun.Failure("the simulator refused the upload of the source image: "
                    + (answer == null ? "no answer" : new String(answer.body(), StandardCharsets.UTF_8)));
        }
        String url = envelope.path("data").path("imageUrl").asText();
        LocalRun.info("Uploaded a source image: " + url);
        return url;
    }

    /** What came back, for the PASSED line. */
    String summary() {
        return results.size() + " results as expected and the dead letter seen";
    }

    /** {@code bytes} as JSON; null when they are not JSON. */
    static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    /** Each sample as (key, value) records: JSON compacted and keyed by its requestId, anything else by its name. */
    private List<Map.Entry<String, String>> prepare(String sourceImageUrl) {
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (Path file : sampleFiles()) {
            String name = file.getFileName().toString();
            String text = read(file).replace("@RUN@", runId).replace("@SOURCE_IMAGE_URL@", sourceImageUrl);
            if (name.endsWith(".json")) {
                JsonNode sample;
                try {
                    sample = JSON.readTree(text);
                } catch (IOException e) {
                    throw new LocalRun.Failure(name + " is not valid JSON: " + e.getMessage());
                }
                String requestId = sample.path("requestId").asText();
                String status = sample.path("metadata").path("expectedStatus").asText("");
                if (status.isEmpty()) {
                    throw new LocalRun.Failure(name + " has no metadata.expectedStatus");
                }
                expected.put(requestId, status);
                records.add(Map.entry(requestId, sample.toString()));
                LocalRun.info("%-34s %-45s expect %s".formatted(name, requestId, status));
            } else {
                String key = "local-" + name.replaceFirst("\\.[^.]*$", "").replaceFirst("^\\d\\d-", "") + "-" + runId;
                notJsonKeys.add(key);
                text.lines().forEach(line -> records.add(Map.entry(key, line)));
                LocalRun.info("%-34s %-45s expect %s".formatted(name, key, KafkaTopics.DEAD_LETTERS));
            }
        }
        if (expected.isEmpty()) {
            throw new LocalRun.Failure("no JSON samples in " + dirs.shown(dirs.requests()));
        }
        return records;
    }

    private List<Path> sampleFiles() {
        try (Stream<Path> files = Files.list(dirs.requests())) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the results and dead letters from their beginning, assigned before anything is sent: none is missed. */
    private static KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalRun.KAFKA_BOOTSTRAP);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(KafkaTopics.RESULTS, KafkaTopics.DEAD_LETTERS)) {
            for (int p = 0; p < KafkaBroker.PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static void send(List<Map.Entry<String, String>> records) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalRun.KAFKA_BOOTSTRAP);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (Map.Entry<String, String> record : records) {
                producer.send(new ProducerRecord<>(KafkaTopics.REQUESTS, record.getKey(), record.getValue()))
                        .get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new LocalRun.Failure("sending the samples failed: " + e);
        }
        LocalRun.info("Sent " + records.size() + " records");
    }

    private void awaitAnswers(KafkaConsumer<String, String> consumer) {
        LocalRun.step("Waiting for " + expected.size() + " results on " + KafkaTopics.RESULTS
                + " and the dead letter on " + KafkaTopics.DEAD_LETTERS + " (up to " + RESULTS_TIMEOUT.toSeconds()
                + "s)");
        long began = System.nanoTime();
        long deadline = began + RESULTS_TIMEOUT.toNanos();
        while ((results.size() < expected.size() || !deadLetterSeen) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                if (record.topic().equals(KafkaTopics.RESULTS)) {
                    onResult(record);
                } else {
                    onDeadLetter(record);
                }
            }
        }
        LocalRun.info("Waited " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began) + "s");
    }

    private void onResult(ConsumerRecord<String, String> record) {
        JsonNode result;
        try {
            result = JSON.readTree(record.value());
        } catch (IOException e) {
            LocalRun.warn("a result that is not JSON: " + record.value());
            return;
        }
        String id = result.path("requestId").asText();
        if (!expected.containsKey(id) || results.containsKey(id)) {
            return;
        }
        results.put(id, result);
        String status = result.path("status").asText();
        String verdict = status.equals(expected.get(id)) ? "ok" : "UNEXPECTED (wanted " + expected.get(id) + ")";
        String detail = result.hasNonNull("imageUrl") ? result.path("imageUrl").asText()
                : "error " + result.path("error").path("code").asText() + ": "
                        + result.path("error").path("message").asText();
        LocalRun.info("%-42s %-9s via %-7s %-4s %s".formatted(id, status, result.path("completedVia").asText("-"),
                verdict, detail));
    }

    private void onDeadLetter(ConsumerRecord<String, String> record) {
        if (deadLetterSeen || !notJsonKeys.contains(record.key())) {
            return;
        }
        LocalRun.info(KafkaTopics.DEAD_LETTERS + ": key " + record.key() + ", value: " + record.value());
        boolean hasReason = false;
        for (Header header : record.headers()) {
            String value = header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
            LocalRun.info("    header " + header.key() + ":" + value);
            hasReason |= header.key().equals("dead-letter-reason");
        }
        if (!hasReason) {
            throw new LocalRun.Failure("the dead-lettered record has no dead-letter-reason header");
        }
        deadLetterSeen = true;
    }

    private boolean downloadImages() {
        LocalRun.step("Downloading the completed images");
        boolean ok = true;
        for (Map.Entry<String, JsonNode> result : results.entrySet()) {
            JsonNode body = result.getValue();
            if (!body.path("status").asText().equals("completed") || !body.hasNonNull("imageUrl")) {
                continue;
            }
            String url = body.path("imageUrl").asText();
            HttpResponse<byte[]> image = LocalRun.get(url, null);
            byte[] bytes = image == null ? new byte[0] : image.body();
            if (image == null || image.statusCode() != 200) {
                LocalRun.warn("could not download " + url + (image == null ? "" : ": " + image.statusCode()));
                ok = false;
            } else if (bytes.length < PNG_SIGNATURE.length
                    || !Arrays.equals(Arrays.copyOf(bytes, PNG_SIGNATURE.length), PNG_SIGNATURE)) {
                LocalRun.warn(url + " did not return a PNG");
                ok = false;
            } else {
                Path file = dirs.images().resolve(result.getKey() + ".png");
                try {
                    Files.write(file, bytes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                LocalRun.info("%-48s %7d bytes".formatted(file.getFileName(), bytes.length));
            }
        }
        LocalRun.info("Images are in " + dirs.images());
        return ok;
    }

    private boolean verdict() {
        int problems = 0;
        for (Map.Entry<String, String> want : expected.entrySet()) {
            JsonNode result = results.get(want.getKey());
            if (result == null) {
                LocalRun.warn("no result for " + want.getKey() + " within " + RESULTS_TIMEOUT.toSeconds() + "s");
                problems++;
            } else if (!result.path("status").asText().equals(want.getValue())) {
                LocalRun.warn(want.getKey() + " ended " + result.path("status").asText() + ", expected "
                        + want.getValue());
                problems++;
            }
        }
        if (!deadLetterSeen) {
            LocalRun.warn("the not-JSON sample did not reach " + KafkaTopics.DEAD_LETTERS + " within "
                    + RESULTS_TIMEOUT.toSeconds() + "s");
            problems++;
        }
        return problems == 0;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
