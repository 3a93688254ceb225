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
 * @param body {@code envelope} (default), {@code empty} or {@code html}
 */
record Fault(String endpoint, Integer code, Integer httpStatus, Integer count, String body) {

    static final String ENVELOPE = "envelope";
    static final String EMPTY = "empty";
    static final String HTML = "html";
    private static final Set<String> BODIES = Set.of(ENVELOPE, EMPTY, HTML);

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
            throw new IllegalArgumentException("body must be envelope, empty or html, was " + body);
        }
    }

    Endpoint target() {
        return Endpoint.fromWireName(endpoint).orElseThrow();
    }

    Fault withCount(int newCount) {
        return new Fault(endpoint, code, httpStatus, newCount, body);
    }
}
