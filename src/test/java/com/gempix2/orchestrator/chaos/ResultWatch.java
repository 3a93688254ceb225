package com.gempix2.orchestrator.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.gempix2.orchestrator.testing.KafkaBroker;

/** Reads a results topic from its start for as long as it runs, noting when each record arrived. */
final class ResultWatch implements AutoCloseable {

    /** One result record as a consumer saw it. */
    record Seen(String key, String ceId, byte[] value, Instant arrivedAt) {

        String text() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Seen> seen = new ArrayList<>();
    private final Thread reader;

    private ResultWatch(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "chaos-watch-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        reader = new Thread(this::read, "chaos-result-watch");
        reader.setDaemon(true);
    }

    static ResultWatch start(String topic) {
        ResultWatch watch = new ResultWatch(topic);
        watch.reader.start();
        return watch;
    }

    /** The results seen so far whose key starts with {@code prefix}. */
    synchronized List<Seen> of(String prefix) {
        return seen.stream().filter(s -> s.key() != null && s.key().startsWith(prefix)).toList();
    }

    private void read() {
        try {
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Header ceId = record.headers().lastHeader("ce_id");
                    Seen one = new Seen(record.key(),
                            ceId == null ? null : new String(ceId.value(), StandardCharsets.UTF_8),
                            record.value(), Instant.now());
                    synchronized (this) {
                        seen.add(one);
                    }
                }
            }
        } catch (WakeupException e) {
            // Closed.
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() {
        consumer.wakeup();
    }
}
