package com.gempix2.orchestrator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL cluster of its own, on its own port and data directory, that a test may stop and start: never the
 * machine's shared server. Made with the installed server's {@code initdb} and {@code pg_ctl}, as the
 * {@code postgres} user when run as root (PostgreSQL refuses to run as root).
 */
public final class PostgresCluster implements AutoCloseable {

    private final Path dir;
    private final int port;

    private PostgresCluster(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** A new cluster in {@code dir} (emptied first) on {@code port}, started, with a database {@code test}. */
    public static PostgresCluster create(Path dir, int port) {
        PostgresCluster cluster = new PostgresCluster(dir, port);
        run("rm", "-rf", dir.toString());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (isRoot()) {
            run("chown", "postgres", dir.toString());
        }
        cluster.asOwner(bin("initdb"), "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres",
                "--no-sync");
        cluster.start();
        cluster.asOwner(bin("createdb"), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres", "test");
        return cluster;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/test}. */
    public String jdbc() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/test";
    }

    public void start() {
        asOwner(bin("pg_ctl"), "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(), "-w",
                "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c max_connections=200", "start");
    }

    /** Whether the server takes a connection now. */
    public boolean accepts() {
        try (var connection = java.sql.DriverManager.getConnection(jdbc(), "postgres", "")) {
            return connection.isValid(1);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    /** Stops the server at once, as a crash or a lost database host would: connections are cut, nothing is flushed. */
    public void stop() {
        asOwner(bin("pg_ctl"), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    }

    /** Stops the server if it runs; a server already stopped (by a test that failed midway) is no error. */
    @Override
    public void close() {
        try {
            stop();
        } catch (IllegalStateException e) {
            System.err.println("PostgreSQL cluster in " + dir + " was not running: " + e.getMessage());
        }
    }

    private void asOwner(String... command) {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        run(full.toArray(String[]::new));
    }

    private static String bin(String tool) {
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            // By major version as a number: 16 after 9.6.
            Path newest = versions.filter(p -> p.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .max(java.util.Comparator.comparingDouble(p -> Double.parseDouble(p.getFileName().toString())))
                    .orElseThrow(() -> new IllegalStateException(
                            "no PostgreSQL server under /usr/lib/postgresql"));
            return newest.resolve("bin").resolve(tool).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
