package com.gempix2.orchestrator.http;

/** A failure with a known HTTP answer; {@link ApiExceptionMappers} turns it into an {@link ApiError}. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
