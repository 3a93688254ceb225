package com.gempix2.orchestrator.simulator;

import java.util.Set;

/**
 * An injected failure: the next {@code count} calls of {@code endpoint} answer {@code code} with {@code httpStatus},
 * the body being the usual envelope, nothing at all, or an HTML error page such as a proxy would send.
 *
 * @param endpoint {@code generate}, {@code status} or {@code upload}
 * @param code envelope code, default 5000
 * @param httpStatus HTTP status, default 500
 * @param count how many calls it answers, default 1
 * @param body {@code envelope} (default), {@code empty} or {@code html}; or a success answer no client should
 *     trust: {@code long-uuid} (a uuid of 300 characters), {@code oversized} (100 KB of padding),
 *     {@code bad-image-url} (a completed status whose imageUrl is a {@code file:} URL)
 */
record Fault(String endpoint, Integer code, Integer httpStatus, Integer count, String body) {

    static final String ENVELOPE = "envelope";
    static final String EMPTY = "empty";
    static final String HTML = "html";
    static final String LONG_UUID = "long-uuid";
    static final String OVERSIZED = "oversized";
    static final String BAD_IMAGE_URL = "bad-image-url";
    private static final Set<String> BODIES = Set.of(ENVELOPE, EMPTY, HTML, LONG_UUID, OVERSIZED, BAD_IMAGE_URL);

    Fault {
        if (endpoint == null || Endpoint.fromWireName(endpoint).isEmpty()) {
            throw new IllegalArgumentException("endpoint must be generate, status or upload, was " + endpoint);
        }
        code = code == null ? ApiError.SERVER_ERROR.code() : code;
        httpStatus = httpStatus == null ? 500 : httpStatus;
        count = count == null ? 1 : count;
        body = body == null ? ENVELOPE : body;
        if (httpStatus < 100 || httpStatus > 599) {
            throw new IllegalArgumentException("httpStatus must be between 100 and 599, was " + httpStatus);
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        if (!BODIES.contains(body)) {
            throw new IllegalArgumentException(
                    "body must be one of " + new java.util.TreeSet<>(BODIES) + ", was " + body);
        }
    }

    Endpoint target() {
        return Endpoint.fromWireName(endpoint).orElseThrow();
    }

    Fault withCount(int newCount) {
        return new Fault(endpoint, code, httpStatus, newCount, body);
    }
}
