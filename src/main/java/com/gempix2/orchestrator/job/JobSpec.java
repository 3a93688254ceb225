package com.gempix2.orchestrator.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * What intake hands over to create a job: the request's fields as far as they could be read.
 * A rejected request may lack any of them; one without a usable requestId is stored under its record key
 * (see {@link #keyedRejection}).
 */
public record JobSpec(
        String requestId,
        String recordKey,
        String payloadHash,
        String generationType,
        String prompt,
        String aspectRatio,
        String imageUrl,
        String imageKey,
        Priority priority,
        String tenant,
        Instant deadline,
        String metadataJson,
        SourceImage sourceImage) {

    /** Starts the stored id of a request without a usable requestId: no valid requestId contains a tab. */
    public static final String KEYED_PREFIX = "\t";

    /**
     * A request without a usable requestId, to be rejected under its record key: stored under an id derived
     * from the key, so that a redelivered record finds its job and is not answered twice.
     */
    public static JobSpec keyedRejection(String recordKey, String payloadHash) {
        return new JobSpec(KEYED_PREFIX + sha256(recordKey), recordKey, payloadHash, null, null, null, null, null,
                null, null, null, null, null);
    }

    /** Whether {@code storedId} was made by {@link #keyedRejection} rather than sent by the producer. */
    public static boolean isKeyed(String storedId) {
        return storedId.startsWith(KEYED_PREFIX);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
