package com.gempix2.orchestrator.simulator;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The simulator's run-time switches: rate limit, credits, timings, failures and webhook behaviour.
 *
 * @param rateLimit calls allowed per API key and window
 * @param windowSeconds length of the fixed rate window
 * @param windowMode how the rate window runs: {@code first-call} (a fixed window opened by a key's first call),
 *        {@code aligned} (fixed windows at multiples of their length since the epoch, as the reference's example
 *        reset, 1697472000, an exact hour, suggests) or {@code sliding} (any {@code windowSeconds} holds at most
 *        {@code rateLimit} calls; the reset is when the oldest of them ages out)
 * @param retryAfter whether a 1003 also carries a {@code Retry-After} header
 * @param rateLimitHeaders whether answers carry the {@code X-RateLimit-*} headers (the reference says all do)
 * @param credits credits left on the account
 * @param creditsPerGeneration credits one generation costs
 * @param pendingMillis how long a new generation stays {@code pending}
 * @param processingMillis how long it then stays {@code processing}
 * @param failureRatio probability (0..1) that a generation ends {@code failed}
 * @param latencyMillis delay before any /api call is answered
 * @param errorHttpStatus HTTP status of error envelopes; null means 200
 * @param webhookUrl where terminal events are posted; null means no webhooks
 * @param webhookDropRatio fraction (0..1) of webhooks never sent
 * @param webhookDuplicateRatio fraction (0..1) of webhooks sent twice
 * @param webhookDelayMillis delay before a webhook is sent
 * @param webhookBeforeResponse complete a generation at once and deliver its webhook before answering generate
 */
public record Knobs(
        int rateLimit,
        long windowSeconds,
        WindowMode windowMode,
        boolean retryAfter,
        boolean rateLimitHeaders,
        long credits,
        long creditsPerGeneration,
        long pendingMillis,
        long processingMillis,
        double failureRatio,
        long latencyMillis,
        Integer errorHttpStatus,
        String webhookUrl,
        double webhookDropRatio,
        double webhookDuplicateRatio,
        long webhookDelayMillis,
        boolean webhookBeforeResponse) {

    /** The knob names, as JSON fields and (in kebab case) as configuration properties. */
    public static final Set<String> NAMES = Arrays.stream(Knobs.class.getRecordComponents())
            .map(c -> c.getName())
            .collect(Collectors.toUnmodifiableSet());

    /** How a rate window runs; see {@link Knobs#windowMode()}. */
    public enum WindowMode {
        @JsonProperty("first-call")
        FIRST_CALL, @JsonProperty("aligned")
        ALIGNED, @JsonProperty("sliding")
        SLIDING
    }

    public Knobs {
        if (windowMode == null) {
            throw new IllegalArgumentException("windowMode must be first-call, aligned or sliding");
        }
        requireAtLeast("rateLimit", rateLimit, 0);
        requireAtLeast("windowSeconds", windowSeconds, 1);
        requireAtLeast("credits", credits, 0);
        requireAtLeast("creditsPerGeneration", creditsPerGeneration, 0);
        requireAtLeast("pendingMillis", pendingMillis, 0);
        requireAtLeast("processingMillis", processingMillis, 0);
        requireAtLeast("latencyMillis", latencyMillis, 0);
        requireAtLeast("webhookDelayMillis", webhookDelayMillis, 0);
        requireRatio("failureRatio", failureRatio);
        requireRatio("webhookDropRatio", webhookDropRatio);
        requireRatio("webhookDuplicateRatio", webhookDuplicateRatio);
        if (errorHttpStatus != null && (errorHttpStatus < 100 || errorHttpStatus > 599)) {
            throw new IllegalArgumentException("errorHttpStatus must be an HTTP status (100..599) or null");
        }
        webhookUrl = webhookUrl == null || webhookUrl.isBlank() ? null : webhookUrl.strip();
        if (webhookUrl != null) {
            requireHttpUrl(webhookUrl);
        }
    }

    /** The values a simulator starts with unless configured otherwise. */
    public static Knobs defaults() {
        return new Knobs(100, 3600, WindowMode.FIRST_CALL, false, true, 1_000_000, 2, 1000, 3000, 0.0, 0, null, null,
                0.0, 0.0, 0, false);
    }

    /**
     * These knobs with the fields of a partial JSON object applied; unknown fields and invalid values are
     * rejected with an {@link IllegalArgumentException} that says which.
     */
    public Knobs with(JsonNode changes) {
        if (changes == null || !changes.isObject()) {
            throw new IllegalArgumentException("knobs must be a JSON object");
        }
        for (Iterator<String> names = changes.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown knob '" + name + "', known: " + NAMES);
            }
        }
        ObjectNode merged = SimulatorJson.MAPPER.valueToTree(this);
        merged.setAll((ObjectNode) changes);
        return SimulatorJson.read(merged, Knobs.class);
    }

    Knobs withCredits(long newCredits) {
        return new Knobs(rateLimit, windowSeconds, windowMode, retryAfter, rateLimitHeaders, newCredits,
                creditsPerGeneration, pendingMillis,
                processingMillis, failureRatio, latencyMillis, errorHttpStatus, webhookUrl, webhookDropRatio,
                webhookDuplicateRatio, webhookDelayMillis, webhookBeforeResponse);
    }

    private static void requireAtLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
        }
    }

    private static void requireRatio(String name, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, was " + value);
        }
    }

    private static void requireHttpUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null
                || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("webhookUrl must be an absolute http(s) URL, was " + url);
        }
    }
}
