package com.gempix2.orchestrator.simulator;

/** The JSON envelope every Gempix2 API answer is wrapped in: {@code {"code", "msg", "data"}}. */
record Envelope(int code, String msg, Object data) {

    static Envelope success(String msg, Object data) {
        return new Envelope(0, msg, data);
    }

    static Envelope error(ApiError error, Object data) {
        return new Envelope(error.code(), error.message(), data);
    }

    /** A 1000 answer naming what is wrong, e.g. "Invalid parameters: prompt is required". */
    static Envelope invalid(String detail) {
        return new Envelope(ApiError.INVALID_PARAMETERS.code(), ApiError.INVALID_PARAMETERS.message() + ": " + detail,
                null);
    }
}
