package com.gempix2.orchestrator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.gempix2.orchestrator.testing.ServiceProcess;

/**
 * What each process of a benchmark spent in CPU over the measured time, in cores: every replica, this JVM
 * (the Kafka broker, the simulator and the benchmark's client) and PostgreSQL (all its processes). Read from
 * /proc, so Linux only; elsewhere it says nothing.
 */
final class CpuMeter {

    private static final double TICKS_PER_SECOND = 100;

    private final List<ServiceProcess> replicas;
    private final Map<String, Double> start;
    private final long startedAt = System.nanoTime();

    private CpuMeter(List<ServiceProcess> replicas) {
        this.replicas = replicas;
        this.start = seconds();
    }

    static CpuMeter start(List<ServiceProcess> replicas) {
        return new CpuMeter(replicas);
    }

    /** For instance {@code "replica-1 1.05, test JVM 0.48, PostgreSQL 0.21 cores"}. */
    String cores() {
        Map<String, Double> end = seconds();
        double elapsed = Duration.ofNanos(System.nanoTime() - startedAt).toMillis() / 1000.0;
        if (end.isEmpty() || elapsed <= 0) {
            return "CPU not measured (no /proc)";
        }
        return end.entrySet().stream()
                .map(e -> String.format("%s %.2f", e.getKey(),
                        (e.getValue() - start.getOrDefault(e.getKey(), 0.0)) / elapsed))
                .collect(Collectors.joining(", ")) + " cores (of " + Runtime.getRuntime().availableProcessors() + ")";
    }

    private Map<String, Double> seconds() {
        Map<String, Double> used = new LinkedHashMap<>();
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            return used;
        }
        for (int i = 0; i < replicas.size(); i++) {
            used.put("replica-" + (i + 1), cpuSeconds(replicas.get(i).pid()));
        }
        used.put("test JVM", cpuSeconds(ProcessHandle.current().pid()));
        used.put("PostgreSQL", postgres());
        return used;
    }

    private static double postgres() {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> "postgres".equals(read(p.resolve("comm")).trim()))
                    .mapToDouble(p -> cpuSeconds(Long.parseLong(p.getFileName().toString())))
                    .sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /** utime + stime of the process, in seconds; 0 once it is gone. */
    private static double cpuSeconds(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        int afterName = stat.lastIndexOf(')');
        if (afterName < 0) {
            return 0;
        }
        String[] fields = stat.substring(afterName + 2).split(" ");
        // Fields 14 and 15 of stat(5), counted from the state (field 3) here.
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
