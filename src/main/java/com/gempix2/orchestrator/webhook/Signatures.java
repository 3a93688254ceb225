package com.gempix2.orchestrator.webhook;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.gempix2.orchestrator.http.ApiException;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;

/**
 * Standard Webhooks signatures ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}:
 * HMAC-SHA256 over {@code id.timestamp.body}, 5 minutes of tolerance), verified by the reference library.
 */
final class Signatures {

    static final String ID = "webhook-id";
    static final String TIMESTAMP = "webhook-timestamp";
    static final String SIGNATURE = "webhook-signature";

    /** What a webhook's signature came to: signed and verified (with its delivery id), or not signed at all. */
    record Check(boolean signed, String deliveryId) {

        static final Check UNSIGNED = new Check(false, null);
    }

    private final Optional<Webhook> verifier;

    Signatures(Optional<String> secret) {
        this.verifier = secret.filter(s -> !s.isBlank()).map(s -> new Webhook(s.trim()));
    }

    boolean enabled() {
        return verifier.isPresent();
    }

    /**
     * Verifies a webhook that carries a signature; one that carries none is unsigned (Gempix2 does not
     * sign). With no secret configured nothing can be verified, so every webhook counts as unsigned.
     *
     * @throws ApiException 401 when a signature is present but does not verify, or is too old
     */
    Check check(Map<String, List<String>> headers, byte[] body) {
        if (verifier.isEmpty() || first(headers, SIGNATURE) == null) {
            return Check.UNSIGNED;
        }
        try {
            verifier.get().verify(new String(body, StandardCharsets.UTF_8), headers);
        } catch (WebhookVerificationException e) {
            throw new ApiException(401, "bad-signature", "webhook signature does not verify: " + e.getMessage());
        }
        return new Check(true, first(headers, ID));
    }

    private static String first(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
}
