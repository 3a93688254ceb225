package com.gempix2.orchestrator.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One replica of the service as operators run it: the packaged jar in its own JVM, configured by
 * environment variables only, on ports of its own. Used by the multi-replica test and the benchmark.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private final String name;
    private final Process process;
    private final int httpPort;
    private final int managementPort;
    private final int operatorPort;
    private final Path log;

    private ServiceProcess(String name, Process process, int httpPort, int managementPort, int operatorPort, Path log) {
        this.name = name;
        this.process = process;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.operatorPort = operatorPort;
        this.log = log;
    }

    /** The ports of one replica: public (webhooks), management (health, metrics), operator API. */
    public record Ports(int http, int management, int operator) {
    }

    /**
     * How the JVM is started: its log, its working directory (null: this one's), its heap, and whether it runs in a
     * session of its own ({@code setsid}), as the local run starts it: away from the terminal, so that Ctrl-C reaches
     * only the run, which then stops it in order, and a system left running outlives the terminal.
     */
    public record Launch(Path log, Path directory, String maxHeap, boolean ownSession) {
    }

    /** Starts the jar with {@code env} on top of this JVM's environment, on the given public port. */
    public static ServiceProcess start(String name, int httpPort, Map<String, String> env) {
        try {
            Path log = Files.createDirectories(Path.of("target", "replicas")).resolve(name + ".log");
            return start(name, new Ports(httpPort, freePort(), freePort()), env, new Launch(log, null, "256m", false));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** Starts the jar on {@code ports}, as {@code launch} says. */
    public static ServiceProcess start(String name, Ports ports, Map<String, String> env, Launch launch) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run `./mvnw package` first");
        }
        try {
            List<String> command = new ArrayList<>();
            if (launch.ownSession()) {
                command.add("setsid");
            }
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + launch.maxHeap()));
            // -Dbench.replica-jvm-args="-XX:StartFlightRecording=filename=target/replica.jfr": a profile of each replica.
            String extra = System.getProperty("bench.replica-jvm-args", "").replace("{name}", name);
            if (!extra.isBlank()) {
                command.addAll(List.of(extra.trim().split("\\s+")));
            }
            command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(launch.log().toFile());
            if (launch.directory() != null) {
                builder.directory(launch.directory().toFile());
            }
            builder.environment().putAll(env);
            builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(ports.http()));
            builder.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(ports.management()));
            builder.environment().put("GEMPIX2_OPERATOR_PORT", Integer.toString(ports.operator()));
            return new ServiceProcess(name, builder.start(), ports.http(), ports.management(), ports.operator(),
                    launch.log());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** The replica's process, for a caller that stops it on its own terms (the local run). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** The replica's operating-system process id, for a benchmark that measures its CPU. */
    public long pid() {
        return process.pid();
    }

    /** Waits until the replica reports ready (database, broker), or fails with the tail of its log. */
    public ServiceProcess awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
                }
                try {
                    return client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException(name + " was not ready within " + timeout + ":\n" + tail(), e);
        }
        return this;
    }

    /** The operator API's port. */
    public int operatorPort() {
        return operatorPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public String name() {
        return name;
    }

    /** The last lines of its log, for a failure message. */
    public String tail() {
        return tailOf(log);
    }

    /** The last 40 lines of {@code log}. */
    public static String tailOf(Path log) {
        try {
            var lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGKILL ({@code kill -9}): the replica stops where it is, as on a node failure. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, as an orchestrator stops a pod; a forced kill if it has not stopped within 20 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
