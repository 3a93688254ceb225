package com.gempix2.orchestrator.job;

/**
 * A request's {@code sourceImage}: where the service gets the image it uploads to Gempix2 before an
 * image_to_image generation. Exactly one of {@code url} (downloaded at dispatch) and {@code bytes}
 * (decoded from base64 at intake) is set.
 */
public record SourceImage(String url, byte[] bytes) {
}
