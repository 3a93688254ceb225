package com.gempix2.orchestrator.http;

/** The one error body of every HTTP route: a stable machine code and a message for people. */
public record ApiError(String code, String message) {
}
