package com.gempix2.orchestrator.job;

/** Error codes of result events: Gempix2's own, then the service's 9xxx codes. */
public final class ErrorCodes {

    public static final int INVALID_PARAMETERS = 1000;
    public static final int INSUFFICIENT_CREDITS = 1001;
    public static final int AUTHENTICATION_FAILED = 1002;
    public static final int RATE_LIMITED = 1003;
    public static final int SERVER_ERROR = 5000;

    public static final int DEADLINE_EXPIRED = 9001;
    public static final int GENERATION_TIMED_OUT = 9002;
    public static final int CANCELLED = 9003;
    public static final int SUBMIT_OUTCOME_UNKNOWN = 9004;
    public static final int SOURCE_IMAGE_UNUSABLE = 9005;
    /** The request's tenant has as many requests queued as {@code gempix2.tenants.max-queued} allows. */
    public static final int TENANT_OVER_CAP = 9006;

    private ErrorCodes() {
    }
}
