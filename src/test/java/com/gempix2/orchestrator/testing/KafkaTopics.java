package com.gempix2.orchestrator.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a business system does with the service's topics: posts requests, and reads results and
 * dead letters. One background consumer per JVM records everything published, so tests await
 * records by requestId instead of sleeping.
 */
public final class KafkaTopics {

    public static final String REQUESTS = "gempix2-requests";
    public static final String RESULTS = "gempix2-results";
    public static final String DEAD_LETTERS = "gempix2-requests-dlq";
    public static final String CANCELLATIONS = "gempix2-cancellations";

    /** A record as a consumer of the topic sees it. */
    public record Received(String key, byte[] value, Map<String, String> headers) {

        public String text() {
            return new String(value, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return MAPPER.readTree(value);
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + text(), e);
            }
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, List<Received>> RECEIVED = new ConcurrentHashMap<>();
    private static KafkaProducer<String, byte[]> producer;
    private static boolean listening;

    private KafkaTopics() {
    }

    public static void send(String key, String value) {
        send(key, value.getBytes(StandardCharsets.UTF_8));
    }

    public static void send(String key, byte[] value) {
        send(REQUESTS, key, value);
    }

    /** Posts {@code {"requestId": ...}} to the cancellations topic. */
    public static void cancel(String requestId) {
        send(CANCELLATIONS, requestId, ("{\"requestId\": \"" + requestId + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    public static void send(String topic, String key, byte[] value) {
        sendBytes(topic, List.of(new java.util.AbstractMap.SimpleEntry<>(key, value)));
    }

    /**
     * Posts {@code records} (key, value) to {@code topic} in their order, as one producer's burst: they arrive
     * together, as a busy business system's would. Returns once the broker has all of them.
     */
    public static void sendAll(String topic, List<Map.Entry<String, String>> records) {
        sendBytes(topic,
                records.stream().<Map.Entry<String, byte[]>>map(record -> new java.util.AbstractMap.SimpleEntry<>(
                        record.getKey(), record.getValue().getBytes(StandardCharsets.UTF_8))).toList());
    }

    private static synchronized void sendBytes(String topic, List<Map.Entry<String, byte[]>> records) {
        if (producer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        try {
            List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
            for (Map.Entry<String, byte[]> record : records) {
                sent.add(producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue())));
            }
            for (java.util.concurrent.Future<?> one : sent) {
                one.get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not post to " + topic, e);
        }
    }

    /** How many records of {@code topic} the consumer group {@code group} has not committed yet. */
    public static long uncommitted(String topic, String group) throws Exception {
        Properties props = new Properties();
        props.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.bootstrapServers());
        try (var admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30,
                    TimeUnit.SECONDS);
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions().stream().map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
                    .toList();
            var ends = admin.listOffsets(partitions.stream().collect(java.util.stream.Collectors.toMap(p -> p,
                    p -> org.apache.kafka.clients.admin.OffsetSpec.latest()))).all().get(30, TimeUnit.SECONDS);
            long behind = 0;
            for (var partition : partitions) {
                var at = committed.get(partition);
                behind += ends.get(partition).offset() - (at == null ? 0 : at.offset());
            }
            return behind;
        }
    }

    /** Results published so far whose key or requestId is {@code requestId}. */
    public static List<Received> results(String requestId) {
        startListening();
        return RECEIVED.getOrDefault(RESULTS, List.of()).stream()
                .filter(r -> requestId.equals(r.key()) || requestId.equals(r.json().path("requestId").asText()))
                .toList();
    }

    /** Everything published so far on {@code topic}. */
    public static List<Received> on(String topic) {
        startListening();
        return RECEIVED.getOrDefault(topic, List.of());
    }

    /** Dead letters so far whose value contains {@code marker}. */
    public static List<Received> deadLetters(String marker) {
        startListening();
        return RECEIVED.getOrDefault(DEAD_LETTERS, List.of()).stream()
                .filter(r -> r.text().contains(marker))
                .toList();
    }

    private static synchronized void startListening() {
        if (listening) {
            return;
        }
        listening = true;
        Thread thread = new Thread(KafkaTopics::listen, "test-topic-listener");
        thread.setDaemon(true);
        thread.start();
    }

    private static void listen() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-listener-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            // Every topic, including those made later (the replica rig's): what a business system would see.
            consumer.subscribe(Pattern.compile("[^_].*"));
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Map<String, String> headers = new ConcurrentHashMap<>();
                    for (Header header : record.headers()) {
                        headers.put(header.key(), header.value() == null ? ""
                                : new String(header.value(), StandardCharsets.UTF_8));
                    }
                    RECEIVED.computeIfAbsent(record.topic(), t -> new CopyOnWriteArrayList<>())
                            .add(new Received(record.key(), record.value() == null ? new byte[0] : record.value(),
                                    headers));
                }
            }
        }
    }
}
