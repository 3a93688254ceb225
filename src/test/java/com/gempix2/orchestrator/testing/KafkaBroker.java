package com.gempix2.orchestrator.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A real Kafka broker (KRaft, broker and controller in one). For the tests it runs in the test JVM on free loopback
 * ports, started once and shared by every test class; for the local run ({@code deploy/local/run.sh}) {@link #main}
 * runs it as a process of its own on fixed ports. Its settings are written here only. These are Kafka-internal
 * classes: recheck them on each Kafka upgrade.
 */
public class KafkaBroker implements QuarkusTestResourceLifecycleManager {

    /** The partitions of every topic, made or created on first use. */
    public static final int PARTITIONS = 3;

    private static KafkaRaftServer server;
    private static Properties serverProps;
    private static String bootstrapServers;

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers());
    }

    @Override
    public void stop() {
        // Shared by every test class and every restart of the app: stopped with the JVM.
    }

    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            try {
                Path dir = Files.createTempDirectory("gempix2-kafka");
                startBroker(dir, freePort(), freePort());
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stopBroker();
                    deleteQuietly(dir);
                }, "kafka-test-broker-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bootstrapServers;
    }

    /**
     * The local run's broker: {@code KafkaBroker <data dir> <broker port> <controller port>}, on 127.0.0.1, with an
     * empty log every start. It runs until it is stopped (SIGTERM).
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: KafkaBroker <data dir> <broker port> <controller port>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        deleteQuietly(dir);
        Files.createDirectories(dir);
        startBroker(dir, Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        Runtime.getRuntime().addShutdownHook(new Thread(KafkaBroker::stopBroker, "kafka-broker-stop"));
        System.out.println("Kafka broker listening on " + bootstrapServers);
        server.awaitShutdown();
    }

    private static synchronized void startBroker(Path dir, int brokerPort, int controllerPort) throws IOException {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dir.resolve("data").toString());
        props.put("num.partitions", Integer.toString(PARTITIONS));
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", Integer.toString(PARTITIONS));
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");
        Path config = dir.resolve("server.properties");
        try (var out = Files.newOutputStream(config)) {
            props.store(out, "gempix2-orchestrator broker");
        }
        ByteArrayOutputStream formatLog = new ByteArrayOutputStream();
        int formatted = StorageTool.execute(new String[]{"format", "-t", Uuid.randomUuid().toString(),
                "-c", config.toString()}, new PrintStream(formatLog));
        if (formatted != 0) {
            throw new IllegalStateException("formatting Kafka storage failed: " + formatLog);
        }
        serverProps = props;
        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        bootstrapServers = "127.0.0.1:" + brokerPort;
    }

    /** Stops the broker as an outage would; {@link #startAgain()} brings it back on the same ports and data. */
    public static synchronized void stopBroker() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    public static synchronized void startAgain() {
        if (server == null && serverProps != null) {
            server = new KafkaRaftServer(KafkaConfig.fromProps(serverProps, false), Time.SYSTEM);
            server.startup();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temp directory left behind is harmless.
        }
    }
}
