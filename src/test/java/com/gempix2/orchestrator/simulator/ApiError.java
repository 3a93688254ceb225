package com.gempix2.orchestrator.simulator;

import java.util.Arrays;

/** The error codes of the Gempix2 API reference, with the message each one carries. */
enum ApiError {

    INVALID_PARAMETERS(1000, "Invalid parameters"), INSUFFICIENT_CREDITS(1001,
            "Insufficient credits"), AUTHENTICATION_FAILED(1002, "Authentication failed"), RATE_LIMIT_EXCEEDED(1003,
                    "Rate limit exceeded"), SERVER_ERROR(5000, "Server error");

    private final int code;
    private final String message;

    ApiError(int code, String message) {
        this.code = code;
        this.message = message;
    }

    int code() {
        return code;
    }

    String message() {
        return message;
    }

    /** The reference message for a code; faults may use codes the reference does not list. */
    static String messageFor(int code) {
        return Arrays.stream(values())
                .filter(e -> e.code == code)
                .map(ApiError::message)
                .findFirst()
                .orElse("Simulated error");
    }
}
