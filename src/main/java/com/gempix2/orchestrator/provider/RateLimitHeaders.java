package com.gempix2.orchestrator.provider;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The rate-limit headers of a Gempix2 response. {@code X-RateLimit-Reset} is epoch seconds;
 * a {@code Retry-After} header (seconds or an HTTP date), where present, wins.
 */
public record RateLimitHeaders(OptionalLong limit, OptionalLong remaining, Optional<Instant> reset,
        Optional<Instant> retryAfter) {

    public static final RateLimitHeaders NONE = new RateLimitHeaders(OptionalLong.empty(), OptionalLong.empty(),
            Optional.empty(), Optional.empty());

    public static RateLimitHeaders parse(Function<String, String> header, Instant now) {
        return new RateLimitHeaders(
                number(header.apply("X-RateLimit-Limit")),
                number(header.apply("X-RateLimit-Remaining")),
                number(header.apply("X-RateLimit-Reset")).stream().mapToObj(Instant::ofEpochSecond).findFirst(),
                retryAfter(header.apply("Retry-After"), now));
    }

    /** When calls may start again after the upstream said stop: Retry-After, else the reset. */
    public Optional<Instant> resumeAt() {
        return retryAfter.or(() -> reset);
    }

    public boolean exhausted() {
        return remaining.isPresent() && remaining.getAsLong() <= 0;
    }

    private static OptionalLong number(String value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static Optional<Instant> retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        OptionalLong seconds = number(value);
        if (seconds.isPresent()) {
            return Optional.of(now.plusSeconds(Math.max(0, seconds.getAsLong())));
        }
        try {
            return Optional.of(ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** How long from {@code now} until {@code at}, never negative. */
    static Duration until(Instant now, Instant at) {
        return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
    }
}
