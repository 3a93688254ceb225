package com.gempix2.orchestrator.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    private static RateLimitHeaders parse(Map<String, String> headers) {
        return RateLimitHeaders.parse(headers::get, NOW);
    }

    @Test
    void resetIsReadAsEpochSeconds() {
        RateLimitHeaders limits = parse(Map.of("X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "95",
                "X-RateLimit-Reset", "1697472000"));
        assertEquals(100, limits.limit().getAsLong());
        assertEquals(95, limits.remaining().getAsLong());
        assertEquals(Optional.of(Instant.ofEpochSecond(1697472000)), limits.reset());
        assertEquals(limits.reset(), limits.resumeAt());
        assertFalse(limits.exhausted());
    }

    @Test
    void retryAfterWinsOverTheReset() {
        RateLimitHeaders seconds = parse(Map.of("X-RateLimit-Reset", "1900000000", "Retry-After", "120"));
        assertEquals(Optional.of(NOW.plusSeconds(120)), seconds.resumeAt());
        RateLimitHeaders date = parse(Map.of("X-RateLimit-Reset", "1900000000",
                "Retry-After", "Wed, 25 Nov 2026 10:05:00 GMT"));
        assertEquals(Optional.of(Instant.parse("2026-11-25T10:05:00Z")), date.resumeAt());
    }

    @Test
    void zeroRemainingMeansExhausted() {
        assertTrue(parse(Map.of("X-RateLimit-Remaining", "0")).exhausted());
    }

    @Test
    void missingOrGarbledHeadersAreIgnored() {
        RateLimitHeaders limits = parse(Map.of("X-RateLimit-Limit", "lots", "X-RateLimit-Reset", "",
                "Retry-After", "soon"));
        assertTrue(limits.limit().isEmpty());
        assertTrue(limits.resumeAt().isEmpty());
        assertFalse(limits.exhausted());
        assertEquals(RateLimitHeaders.NONE, parse(Map.of()));
    }
}
