package com.gempix2.orchestrator.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the local run keeps what it makes, all under {@code deploy/local/.work}: pid files, logs, the broker's data,
 * the run's files (the tokens, the images). Logs and run files are this run's only.
 */
record LocalDirs(Path local, Path work) {

    /** The directories of a new run: the last run's logs and images go; pid files, tokens and data stay. */
    static LocalDirs forNewRun(Path repository) {
        Path local = repository.resolve("deploy/local").toAbsolutePath().normalize();
        LocalDirs dirs = new LocalDirs(local, local.resolve(".work"));
        deleteTree(dirs.logs());
        deleteTree(dirs.images());
        for (Path dir : new Path[]{dirs.pids(), dirs.logs(), dirs.images()}) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dirs;
    }

    Path requests() {
        return local.resolve("requests");
    }

    Path pids() {
        return work.resolve("pids");
    }

    Path logs() {
        return work.resolve("logs");
    }

    Path log(String name) {
        return logs().resolve(name + ".log");
    }

    Path kafkaData() {
        return work.resolve("kafka");
    }

    Path images() {
        return work.resolve("images");
    }

    /** The path relative to the repository, as messages show it. */
    String shown(Path path) {
        return local.getParent().getParent().relativize(path.toAbsolutePath()).toString();
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
