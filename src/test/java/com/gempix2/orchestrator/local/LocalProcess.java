package com.gempix2.orchestrator.local;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

import com.gempix2.orchestrator.testing.ServiceProcess;

/**
 * A process of the local run, started in a session of its own ({@code setsid}) so that Ctrl-C reaches only the run,
 * which then stops its processes in order, and so that a system left running outlives the terminal. Its pid goes to
 * {@code .work/pids/<name>.pid}, where {@code deploy/local/stop.sh} finds it.
 */
final class LocalProcess {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final ProcessHandle process;
    private final Path log;
    private final Path pidFile;

    private LocalProcess(String name, ProcessHandle process, Path log, Path pidFile) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.pidFile = pidFile;
    }

    /**
     * Runs the main class {@code mainClass} of this JVM's classpath ({@link Standalone} sets its logging up), with
     * {@code env} added to its environment.
     */
    static LocalProcess startJava(LocalDirs dirs, String name, String mainClass, List<String> args,
            Map<String, String> env,
            String... jvmOptions) {
        List<String> command = new ArrayList<>(List.of("setsid",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-cp", System.getProperty("java.class.path"), Standalone.class.getName(), mainClass));
        command.addAll(args);
        Path log = dirs.log(name);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dirs.work().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        try {
            return adopt(dirs, name, builder.start().toHandle(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** A process started elsewhere (the service, by {@link ServiceProcess}): its pid file, and its stop. */
    static LocalProcess adopt(LocalDirs dirs, String name, ProcessHandle process, Path log) {
        Path pidFile = dirs.pids().resolve(name + ".pid");
        try {
            Files.writeString(pidFile, process.pid() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new LocalProcess(name, process, log, pidFile);
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** Waits until {@code ready} holds; fails with the end of the log if the process exits or the time runs out. */
    void awaitReady(Duration timeout, Callable<Boolean> ready) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (!process.isAlive()) {
                    throw new LocalRun.Failure(name + " exited during startup; the end of " + log + ":\n" + tail());
                }
                return ready.call();
            });
        } catch (ConditionTimeoutException e) {
            throw new LocalRun.Failure(name + " was not ready within " + timeout.toSeconds() + "s; the end of " + log
                    + ":\n" + tail());
        }
    }

    /** SIGTERM (a clean shutdown), then SIGKILL if it has not stopped within 30 s; the pid file goes. */
    void stop() {
        if (process.isAlive()) {
            LocalRun.info("Stopping " + name + " (pid " + process.pid() + ")");
            process.destroy();
            try {
                process.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                LocalRun.warn(name + " (pid " + process.pid() + ") did not stop within " + STOP_TIMEOUT.toSeconds()
                        + "s: killing it");
                process.destroyForcibly();
            }
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // A stale pid file is checked against the process's command line before it is used.
        }
    }

    private String tail() {
        return ServiceProcess.tailOf(log);
    }
}
