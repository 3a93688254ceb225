package com.gempix2.orchestrator.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * A set of accepted secrets (several during a rotation), checked in constant time: secrets are kept and
 * compared as SHA-256 digests, so neither their length nor which one matched shows in the timing.
 */
public final class Tokens {

    private final List<byte[]> digests;

    private Tokens(List<byte[]> digests) {
        this.digests = digests;
    }

    /** Blank entries are ignored; no entries accepts nothing. */
    public static Tokens of(List<String> secrets) {
        return new Tokens(secrets.stream().map(String::trim).filter(s -> !s.isEmpty()).map(Tokens::digest).toList());
    }

    public boolean isEmpty() {
        return digests.isEmpty();
    }

    public boolean accepts(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] digest = digest(presented);
        boolean match = false;
        for (byte[] accepted : digests) {
            match |= MessageDigest.isEqual(accepted, digest);
        }
        return match;
    }

    private static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
