package com.gempix2.orchestrator.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.simulator.SimulatorMain;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.ServiceProcess;

/**
 * The whole system on this machine, as {@code deploy/local/run.sh} runs it: a Kafka broker ({@link KafkaBroker}), the
 * Gempix2 simulator ({@link SimulatorMain}) and the packaged service ({@link ServiceProcess}), each a process of its
 * own on fixed ports, with PostgreSQL's database {@code gempix2_local}. It then sends the samples of
 * {@code deploy/local/requests/} and checks what a business system and an operator would see ({@link Samples}).
 *
 * <p>Exits 0 only if every sample got a result with its {@code metadata.expectedStatus}, the not-JSON sample was
 * dead-lettered with its reason, every completed image could be downloaded, and the operator API answered on its own
 * port only. With {@code --keep-running} the system stays up once it is complete; {@code deploy/local/stop.sh} stops
 * it.
 */
public final class LocalRun {

    // Fixed ports: the test suite chooses free ones, so it can run beside this.
    static final int KAFKA_PORT = 9092;
    static final int KAFKA_CONTROLLER_PORT = 9093;
    static final int SIMULATOR_PORT = 8090;
    static final int SERVICE_PORT = 8080;
    static final int MANAGEMENT_PORT = 9000;
    static final int OPERATOR_PORT = 8081;

    static final String DATABASE = "gempix2_local";
    static final String SIMULATOR_KEY = "sim-key";
    static final String SIMULATOR_URL = "http://127.0.0.1:" + SIMULATOR_PORT;
    static final String KAFKA_BOOTSTRAP = "127.0.0.1:" + KAFKA_PORT;
    /**
     * The simulator and the service must agree on the account's hourly limit. The service keeps its permits in
     * PostgreSQL across runs while every run starts a fresh simulator, so the default of 100 would throttle the service
     * after some 25 runs in an hour; 500 is a real Gempix2 tier.
     */
    static final int RATE_LIMIT_PER_HOUR = 500;
    static final List<String> TOPICS = List.of(KafkaTopics.REQUESTS, KafkaTopics.RESULTS, KafkaTopics.DEAD_LETTERS,
            KafkaTopics.CANCELLATIONS);

    private static final Duration KAFKA_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SIMULATOR_START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SERVICE_START_TIMEOUT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A step that cannot go on: the run ends with its message. */
    static final class Failure extends RuntimeException {

        Failure(String message) {
            super(message);
        }
    }

    private final LocalDirs dirs;
    private final boolean keepRunning;
    private final List<LocalProcess> started = new ArrayList<>();
    private volatile boolean leaveRunning;
    private volatile boolean interrupted;
    private String summary = "";

    private LocalRun(LocalDirs dirs, boolean keepRunning) {
        this.dirs = dirs;
        this.keepRunning = keepRunning;
    }

    /** {@code LocalRun [--keep-running]}, from the repository's root, after {@code ./mvnw package}. */
    public static void main(String[] args) {
        LocalRun run = new LocalRun(LocalDirs.forNewRun(Path.of("")), List.of(args).contains("--keep-running"));
        // Ctrl-C or SIGTERM: everything started so far stops, in order, even with --keep-running.
        Thread stopper = new Thread(run::interruptedByASignal, "local-run-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        long began = System.nanoTime();
        boolean passed;
        try {
            passed = run.run();
        } catch (Failure e) {
            run.error(e.getMessage());
            passed = false;
        } catch (RuntimeException e) {
            run.error(e.toString());
            passed = false;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException e) {
            // A signal came: the hook stops everything, and the JVM exits with the signal's status.
            return;
        }
        run.stopUnlessLeft();
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);
        step(passed ? "PASSED: " + run.summary + ", in " + seconds + "s"
                : "FAILED after " + seconds + "s (logs: " + run.dirs.shown(run.dirs.logs()) + ")");
        System.exit(passed ? 0 : 1);
    }

    private void interruptedByASignal() {
        interrupted = true;
        leaveRunning = false;
        stopUnlessLeft();
    }

    /** An error, unless a signal is stopping the run: then what failed is only that its processes went. */
    private void error(String message) {
        if (!interrupted) {
            System.err.println("ERROR: " + message);
        }
    }

    private boolean run() {
        step("Checking the database and the ports");
        ensureDatabase();
        for (int port : new int[]{KAFKA_PORT, KAFKA_CONTROLLER_PORT, SIMULATOR_PORT, SERVICE_PORT, MANAGEMENT_PORT,
                OPERATOR_PORT}) {
            if (listening(port)) {
                throw new Failure("port " + port + " on 127.0.0.1 is in use by a process this run did not start");
            }
        }
        startKafka();
        String webhookToken = secret("local-");
        startSimulator(webhookToken);
        String operatorToken = secret("local-operator-");
        startService(webhookToken, operatorToken);
        // From here on the system is complete: --keep-running leaves it up even if a check below fails.
        leaveRunning = keepRunning;

        try {
            String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            Samples samples = new Samples(dirs, runId);
            boolean passed = samples.sendAndCheck();
            passed &= checkOperatorApi(operatorToken);
            summary = samples.summary();
            return passed;
        } finally {
            if (leaveRunning) {
                printUrls(webhookToken);
            }
        }
    }

    /** A database of its own, so that local runs never meet the tests'; kept between runs for the quota's permits. */
    private static void ensureDatabase() {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres",
                "postgres", "")) {
            var exists = connection.prepareStatement("select 1 from pg_database where datname = ?");
            exists.setString(1, DATABASE);
            if (exists.executeQuery().next()) {
                info("Database " + DATABASE + " exists");
            } else {
                connection.createStatement().execute("create database " + DATABASE);
                info("Created database " + DATABASE);
            }
        } catch (SQLException e) {
            throw new Failure("cannot use PostgreSQL at 127.0.0.1:5432 as user postgres (trust authentication is "
                    + "expected): " + e.getMessage());
        }
    }

    /** Every run starts with an empty broker, so that the topics hold only this run's records. */
    private void startKafka() {
        step("Starting Kafka (KRaft, broker+controller on " + KAFKA_BOOTSTRAP + ", controller 127.0.0.1:"
                + KAFKA_CONTROLLER_PORT + ")");
        LocalProcess kafka = launch(LocalProcess.startJava(dirs, "kafka", KafkaBroker.class.getName(),
                List.of(dirs.kafkaData().toString(), Integer.toString(KAFKA_PORT),
                        Integer.toString(KAFKA_CONTROLLER_PORT)),
                Map.of(), "-Xmx256m"));
        long began = System.nanoTime();
        kafka.awaitReady(KAFKA_START_TIMEOUT, () -> listening(KAFKA_PORT));
        info("Kafka is up (pid " + kafka.pid() + ", ready in " + secondsSince(began) + "s, log "
                + dirs.shown(kafka.log()) + ")");
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA_BOOTSTRAP);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(TOPICS.stream().map(topic -> new NewTopic(topic, KafkaBroker.PARTITIONS, (short) 1))
                    .toList()).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new Failure("creating the topics failed: " + e);
        }
        info("Created topics " + String.join(" ", TOPICS) + " (" + KafkaBroker.PARTITIONS + " partitions each)");
    }

    private void startSimulator(String webhookToken) {
        step("Starting the Gempix2 simulator on " + SIMULATOR_URL);
        // For tools that drive the running system (deploy/bench/webhook-flood.sh); readable by this user only.
        writeSecret("webhook-token", webhookToken);
        LocalProcess simulator = launch(
                LocalProcess.startJava(dirs, "simulator", SimulatorMain.class.getName(), List.of(),
                        Map.of("GEMPIX2_SIMULATOR_HOST", "127.0.0.1",
                                "GEMPIX2_SIMULATOR_PORT", Integer.toString(SIMULATOR_PORT),
                                "GEMPIX2_SIMULATOR_API_KEYS", SIMULATOR_KEY,
                                "GEMPIX2_SIMULATOR_WEBHOOK_URL",
                                "http://127.0.0.1:" + SERVICE_PORT + "/webhooks/gempix2?token=" + webhookToken,
                                "GEMPIX2_SIMULATOR_PENDING_MILLIS", "1000",
                                "GEMPIX2_SIMULATOR_PROCESSING_MILLIS", "3000",
                                "GEMPIX2_SIMULATOR_RATE_LIMIT", Integer.toString(RATE_LIMIT_PER_HOUR),
                                "GEMPIX2_SIMULATOR_WINDOW_SECONDS", "3600"),
                        "-Xmx256m"));
        long began = System.nanoTime();
        simulator.awaitReady(SIMULATOR_START_TIMEOUT, () -> answers(SIMULATOR_URL + "/sim/counters"));
        info("Simulator is up (pid " + simulator.pid() + ", ready in " + secondsSince(began) + "s, key "
                + SIMULATOR_KEY + ", webhooks to :" + SERVICE_PORT + ")");
    }

    private void startService(String webhookToken, String operatorToken) {
        step("Starting the service (public :" + SERVICE_PORT + ", operator :" + OPERATOR_PORT + ", management :"
                + MANAGEMENT_PORT + ")");
        writeSecret("operator-token", operatorToken);
        // Run from .work, so that no stray .env or config/ in the working directory changes its settings. The
        // password is empty (trust authentication), which also overrides one exported in this shell.
        Map<String, String> env = Map.ofEntries(
                Map.entry("GEMPIX2_BASE_URL", SIMULATOR_URL + "/api"),
                Map.entry("GEMPIX2_API_KEY", SIMULATOR_KEY),
                Map.entry("GEMPIX2_WEBHOOK_TOKENS", webhookToken),
                Map.entry("GEMPIX2_OPERATOR_TOKENS", "local:operator:" + operatorToken),
                Map.entry("GEMPIX2_ALLOW_HTTP", "true"),
                Map.entry("GEMPIX2_SOURCE_ALLOW_PRIVATE", "true"),
                Map.entry("GEMPIX2_RATE_LIMIT_PER_HOUR", Integer.toString(RATE_LIMIT_PER_HOUR)),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", KAFKA_BOOTSTRAP),
                Map.entry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/" + DATABASE),
                Map.entry("QUARKUS_DATASOURCE_USERNAME", "postgres"),
                Map.entry("QUARKUS_DATASOURCE_PASSWORD", ""));
        Path log = dirs.log("service");
        ServiceProcess process = ServiceProcess.start("service",
                new ServiceProcess.Ports(SERVICE_PORT, MANAGEMENT_PORT, OPERATOR_PORT), env,
                new ServiceProcess.Launch(log, dirs.work(), "512m", true));
        launch(LocalProcess.adopt(dirs, "service", process.handle(), log));
        long began = System.nanoTime();
        try {
            process.awaitReady(SERVICE_START_TIMEOUT);
        } catch (IllegalStateException e) {
            throw new Failure(e.getMessage());
        }
        info("Service is UP (pid " + process.pid() + ", ready in " + secondsSince(began) + "s, log "
                + dirs.shown(log) + ")");
    }

    /** The operator API answers on its own port with the run's operator token, and not on the public port. */
    private static boolean checkOperatorApi(String token) {
        step("Operator API on :" + OPERATOR_PORT);
        HttpResponse<byte[]> upstream = get("http://127.0.0.1:" + OPERATOR_PORT + "/api/v1/upstream", token);
        if (upstream == null || upstream.statusCode() != 200) {
            warn("the operator API did not answer with the run's token"
                    + (upstream == null ? "" : ": " + upstream.statusCode()));
            return false;
        }
        JsonNode budget = Samples.json(upstream.body());
        info("GET /api/v1/upstream: used " + budget.path("used").asText() + " of "
                + budget.path("effectiveLimit").asText() + " this window");
        HttpResponse<byte[]> onPublic = get("http://127.0.0.1:" + SERVICE_PORT + "/api/v1/upstream", token);
        if (onPublic == null || onPublic.statusCode() != 404) {
            warn("the public port answered the operator API with "
                    + (onPublic == null ? "no answer" : onPublic.statusCode()));
            return false;
        }
        info("the public port answers it 404");
        return true;
    }

    /** GET with a bearer token (or none), within 30 s; null when nothing answered. */
    static HttpResponse<byte[]> get(String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    /** Sends {@code request}; null when nothing answered in time. */
    static HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void printUrls(String webhookToken) {
        step("Left running (stop with: bash deploy/local/stop.sh)");
        info("Webhook:    http://127.0.0.1:" + SERVICE_PORT + "/webhooks/gempix2?token=" + webhookToken);
        info("Operator:   curl -H \"Authorization: Bearer $(cat " + dirs.shown(dirs.work().resolve("operator-token"))
                + ")\" http://127.0.0.1:" + OPERATOR_PORT + "/api/v1/upstream");
        info("Health:     http://127.0.0.1:" + MANAGEMENT_PORT + "/q/health/ready");
        info("Metrics:    http://127.0.0.1:" + MANAGEMENT_PORT + "/q/metrics");
        info("Simulator:  " + SIMULATOR_URL + "/sim/counters (API " + SIMULATOR_URL + "/api, key " + SIMULATOR_KEY
                + ")");
        info("Kafka:      " + KAFKA_BOOTSTRAP + " (topics " + String.join(" ", TOPICS) + ")");
        info("Logs:       " + dirs.shown(dirs.logs()) + "/{kafka,simulator,service}.log");
    }

    private synchronized LocalProcess launch(LocalProcess process) {
        started.add(process);
        return process;
    }

    /** The service first, then the simulator, then the broker: nothing is left without what it talks to. */
    private synchronized void stopUnlessLeft() {
        if (leaveRunning || started.isEmpty()) {
            return;
        }
        step("Stopping everything");
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).stop();
        }
        started.clear();
        info("Logs are in " + dirs.shown(dirs.logs()));
    }

    private void writeSecret(String name, String value) {
        Path file = dirs.work().resolve(name);
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, value + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String secret(String prefix) {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }

    static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True once {@code url} answers 200; false while nothing listens or it answers anything else. */
    private static boolean answers(String url) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static long secondsSince(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - nanos);
    }

    static void step(String message) {
        System.out.println("==> " + message);
    }

    static void info(String message) {
        System.out.println("    " + message);
    }

    static void warn(String message) {
        System.err.println("WARNING: " + message);
    }
}
