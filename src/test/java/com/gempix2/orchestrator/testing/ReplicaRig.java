package com.gempix2.orchestrator.testing;

import static io.restassured.RestAssured.given;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gempix2.orchestrator.simulator.Gempix2Simulator;
import com.gempix2.orchestrator.simulator.Knobs;
import com.gempix2.orchestrator.simulator.SimulatorSettings;

import io.vertx.core.Vertx;

/**
 * Several replicas of the packaged service against one PostgreSQL schema, one Kafka broker and one
 * simulated Gempix2 account, each replica in its own JVM: what a deployment with N pods looks like.
 * Topics and the schema carry the rig's name, so that nothing else on the broker or in the database
 * is seen or touched.
 */
public final class ReplicaRig implements AutoCloseable {

    /**
     * @param limit calls the account allows per window, known to the service and enforced by the simulator
     * @param window the window, in whole seconds
     * @param windowMode how the simulator's rate window runs
     * @param env the replicas' environment over the rig's own (GEMPIX2_RATE_LIMIT_WINDOW, say, for a service that
     *        believes in another window than the simulator's)
     */
    public record Settings(int replicas, int limit, Duration window, Knobs.WindowMode windowMode,
            Map<String, String> env) {
    }

    /**
     * Where the rig's parts are: the database server (a JDBC URL without its schema), and whether webhooks reach the
     * replicas through a {@link WebhookBalancer} (every one of them, as behind a load balancer) or go to the first.
     */
    public record Topology(String jdbc, boolean balanceWebhooks) {

        /** The machine's PostgreSQL, webhooks to the first replica. */
        public static final Topology DEFAULT = new Topology("jdbc:postgresql://127.0.0.1:5432/test", false);
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String WEBHOOK_TOKEN = "rig-webhook-token";
    private static final String ADMIN_TOKEN = "rig-admin-token-0123456789";

    private final String name;
    private final String jdbc;
    private final Vertx vertx;
    private final Gempix2Simulator simulator;
    private final List<ServiceProcess> replicas;
    private final List<Integer> ports;
    private final Map<String, String> env;
    private final WebhookBalancer balancer;
    private int restarts;

    private ReplicaRig(String name, String jdbc, Vertx vertx, Gempix2Simulator simulator, List<ServiceProcess> replicas,
            List<Integer> ports, Map<String, String> env, WebhookBalancer balancer) {
        this.name = name;
        this.jdbc = jdbc;
        this.vertx = vertx;
        this.simulator = simulator;
        this.replicas = replicas;
        this.ports = ports;
        this.env = env;
        this.balancer = balancer;
    }

    /** A fresh schema {@code name}, the simulator, and the replicas, returned once every replica is ready. */
    public static ReplicaRig start(String name, Settings settings) {
        return start(name, settings, Topology.DEFAULT);
    }

    public static ReplicaRig start(String name, Settings settings, Topology topology) {
        String jdbc = topology.jdbc();
        resetSchema(jdbc, name);
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < settings.replicas(); i++) {
            ports.add(ServiceProcess.freePort());
        }
        Vertx vertx = Vertx.vertx();
        WebhookBalancer balancer = topology.balanceWebhooks() ? WebhookBalancer.start(vertx, () -> ports) : null;
        int webhookPort = balancer == null ? ports.get(0) : balancer.port();
        ObjectNode knobs = MAPPER.createObjectNode()
                .put("rateLimit", settings.limit())
                .put("windowSeconds", settings.window().toSeconds())
                .put("pendingMillis", 200)
                .put("processingMillis", 800)
                // Gempix2 has one webhook URL per account: in production a load balancer spreads it over the pods.
                .put("webhookUrl", "http://127.0.0.1:" + webhookPort + "/webhooks/gempix2?token=" + WEBHOOK_TOKEN);
        knobs.set("windowMode", MAPPER.valueToTree(settings.windowMode()));
        Gempix2Simulator simulator = new Gempix2Simulator(vertx, new SimulatorSettings("127.0.0.1", 0,
                Set.of("sim-key"), Optional.empty(), Knobs.defaults().with(knobs)));
        simulator.start();

        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbc + "?currentSchema=" + name);
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("QUARKUS_FLYWAY_SCHEMAS", name);
        env.put("KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.bootstrapServers());
        env.put("GEMPIX2_BASE_URL", simulator.apiUrl());
        env.put("GEMPIX2_API_KEY", "sim-key");
        env.put("GEMPIX2_WEBHOOK_TOKENS", WEBHOOK_TOKEN);
        env.put("GEMPIX2_OPERATOR_TOKENS", "rig:operator:" + ADMIN_TOKEN);
        env.put("GEMPIX2_ALLOW_HTTP", "true");
        env.put("GEMPIX2_RATE_LIMIT_PER_HOUR", Integer.toString(settings.limit()));
        env.put("GEMPIX2_RATE_LIMIT_WINDOW", settings.window().toSeconds() + "s");
        env.put("GEMPIX2_TOPICS_REQUESTS", requestsTopic(name));
        env.put("GEMPIX2_TOPICS_RESULTS", resultsTopic(name));
        env.put("GEMPIX2_TOPICS_DEAD_LETTER", name + "-dlq");
        env.put("GEMPIX2_TOPICS_CANCELLATIONS", name + "-cancellations");
        env.putAll(settings.env());

        List<ServiceProcess> replicas = new ArrayList<>();
        ReplicaRig rig = new ReplicaRig(name, jdbc, vertx, simulator, replicas, ports, env, balancer);
        try {
            for (int i = 0; i < settings.replicas(); i++) {
                replicas.add(ServiceProcess.start(name + "-" + (i + 1), ports.get(i), env));
            }
            replicas.forEach(replica -> replica.awaitReady(Duration.ofSeconds(90)));
        } catch (RuntimeException e) {
            rig.close();
            throw e;
        }
        return rig;
    }

    /** Posts a request to this rig's requests topic, keyed by its requestId. */
    public void post(String requestId, String json) {
        KafkaTopics.send(requestsTopic(name), requestId, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Posts many requests (requestId, JSON) to this rig's requests topic at once; returns once the broker has them. */
    public void postAll(List<Map.Entry<String, String>> requests) {
        KafkaTopics.sendAll(requestsTopic(name), requests);
    }

    /** Posts many requests to the requests topic of a rig about to be started as {@code name}: a backlog waiting. */
    public static void queueBefore(String name, List<Map.Entry<String, String>> requests) {
        KafkaTopics.sendAll(requestsTopic(name), requests);
    }

    /** The rig's results topic. */
    public String resultsTopic() {
        return resultsTopic(name);
    }

    /** Everything published so far on this rig's results topic. */
    public List<KafkaTopics.Received> allResults() {
        return KafkaTopics.on(resultsTopic(name));
    }

    /** Results published so far for {@code requestId} on this rig's results topic. */
    public List<KafkaTopics.Received> results(String requestId) {
        return KafkaTopics.on(resultsTopic(name)).stream().filter(r -> requestId.equals(r.key())).toList();
    }

    /** Kills replica {@code index} with SIGKILL, as a node failure would. */
    public void kill(int index) {
        replicas.get(index).kill();
    }

    /** Starts replica {@code index} again on its port (after {@link #kill}) and waits until it is ready. */
    public void restart(int index) {
        restarts++;
        ServiceProcess started = ServiceProcess.start(name + "-" + (index + 1) + "-restart-" + restarts,
                ports.get(index),
                env);
        replicas.set(index, started);
        started.awaitReady(Duration.ofSeconds(90));
    }

    /** Stops submissions on every replica (the operator API of the first one; the pause is shared). */
    public void pause() {
        given().auth().oauth2(ADMIN_TOKEN).post(adminUrl("/upstream/pause")).then().statusCode(200);
    }

    public void resume() {
        given().auth().oauth2(ADMIN_TOKEN).post(adminUrl("/upstream/resume")).then().statusCode(200);
    }

    /** How many jobs are stored, in any state. */
    public long jobCount() {
        try (Connection connection = DriverManager.getConnection(jdbc, "postgres", "");
                var statement = connection.prepareStatement("select count(*) from " + name + ".job");
                var rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("could not count jobs in " + name, e);
        }
    }

    /** How many jobs are in {@code status} (upper case, as stored), read from the rig's schema. */
    public long jobsIn(String status) {
        try (Connection connection = DriverManager.getConnection(jdbc, "postgres", "");
                var statement = connection.prepareStatement("select count(*) from " + name + ".job where status = ?")) {
            statement.setString(1, status);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not count jobs in " + name, e);
        }
    }

    /** The single number {@code sql} selects, read from the rig's schema. */
    public long count(String sql) {
        try (Connection connection = DriverManager.getConnection(jdbc + "?currentSchema=" + name, "postgres", "");
                Statement statement = connection.createStatement();
                var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("could not count in " + name, e);
        }
    }

    /** Runs {@code sql} in the rig's schema, as a benchmark does to queue a backlog too large to send through Kafka. */
    public void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(jdbc + "?currentSchema=" + name, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("could not run SQL in " + name, e);
        }
    }

    private String adminUrl(String path) {
        return "http://127.0.0.1:" + replicas.get(0).operatorPort() + "/api/v1" + path;
    }

    /** Changes the simulator's knobs (generation times, webhooks lost, latency) while the rig runs. */
    public void knobs(Map<String, ?> changes) {
        given().contentType(io.restassured.http.ContentType.JSON).body(changes)
                .put(simulator.publicBaseUrl() + "/sim/knobs").then().statusCode(200);
    }

    /** The simulator's counters: calls per endpoint, 1003 answers sent, generations created. */
    public JsonNode counters() {
        return json(
                given().get(simulator.publicBaseUrl() + "/sim/counters").then().statusCode(200).extract().asString());
    }

    /** Every generation the simulator created, with its prompt. */
    public JsonNode generations() {
        return json(given().get(simulator.publicBaseUrl() + "/sim/generations").then().statusCode(200).extract()
                .asString());
    }

    /** The simulator's root, where its control API ({@code /sim/...}) is. */
    public String simulatorBaseUrl() {
        return simulator.publicBaseUrl();
    }

    /** The simulator's API, for a client of the benchmarks that calls Gempix2 directly. */
    public String simulatorApiUrl() {
        return simulator.apiUrl();
    }

    public List<ServiceProcess> replicas() {
        return replicas;
    }

    @Override
    public void close() {
        replicas.forEach(ServiceProcess::close);
        if (balancer != null) {
            balancer.close();
        }
        simulator.stop();
        vertx.close();
    }

    private static String requestsTopic(String name) {
        return name + "-requests";
    }

    private static String resultsTopic(String name) {
        return name + "-results";
    }

    private static void resetSchema(String jdbc, String name) {
        try (Connection connection = DriverManager.getConnection(jdbc, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + name + " cascade");
            statement.execute("create schema " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not prepare schema " + name + " in " + jdbc, e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
