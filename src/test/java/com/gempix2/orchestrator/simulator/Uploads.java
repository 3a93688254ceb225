package com.gempix2.orchestrator.simulator;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Uploaded images, kept in memory under their {@code r2-...} keys and served back by the file routes. */
final class Uploads {

    /** An upload as stored. */
    record Stored(String imageKey, ImageFormat format, byte[] bytes) {
    }

    /** {@code data} of a successful upload answer. */
    record Result(String imageUrl, String imageKey) {
    }

    static final long MAX_BYTES = 50L * 1024 * 1024;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Stored> stored = new ConcurrentHashMap<>();

    Stored store(ImageFormat format, byte[] bytes) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        Stored upload = new Stored("r2-" + HexFormat.of().formatHex(id), format, bytes);
        stored.put(upload.imageKey(), upload);
        return upload;
    }

    Optional<Stored> find(String imageKey) {
        return Optional.ofNullable(stored.get(imageKey));
    }

    void clear() {
        stored.clear();
    }
}
