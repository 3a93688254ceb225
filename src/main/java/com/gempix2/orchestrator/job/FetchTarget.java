package com.gempix2.orchestrator.job;

/** A queued job whose source image a fetcher is to download: {@code failures} downloads of it failed before. */
public record FetchTarget(long id, String requestId, String url, int failures) {
}
