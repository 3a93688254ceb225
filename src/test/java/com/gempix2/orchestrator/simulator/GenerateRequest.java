package com.gempix2.orchestrator.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** The body of {@code POST /api/generate-image}, validated as the reference describes. */
record GenerateRequest(String generationType, String prompt, String aspectRatio, String imageUrl, String imageKey) {

    static final String TEXT_TO_IMAGE = "text_to_image";
    static final String IMAGE_TO_IMAGE = "image_to_image";
    static final String DEFAULT_ASPECT_RATIO = "auto";
    private static final Set<String> ASPECT_RATIOS = Set.of("auto", "16:9", "9:16", "1:1");

    /**
     * Reads and checks a request body.
     *
     * @throws IllegalArgumentException whose message names the offending field, for a 1000 answer
     */
    static GenerateRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object");
        }
        String generationType = text(body, "generationType");
        if (!TEXT_TO_IMAGE.equals(generationType) && !IMAGE_TO_IMAGE.equals(generationType)) {
            throw new IllegalArgumentException("generationType must be text_to_image or image_to_image");
        }
        String prompt = text(body, "prompt");
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("prompt is required");
        }
        String aspectRatio = text(body, "aspectRatio");
        if (aspectRatio == null) {
            aspectRatio = DEFAULT_ASPECT_RATIO;
        } else if (!ASPECT_RATIOS.contains(aspectRatio)) {
            throw new IllegalArgumentException("aspectRatio must be one of auto, 16:9, 9:16, 1:1");
        }
        String imageUrl = text(body, "imageUrl");
        if (IMAGE_TO_IMAGE.equals(generationType) && (imageUrl == null || imageUrl.isBlank())) {
            throw new IllegalArgumentException("imageUrl is required for image_to_image");
        }
        return new GenerateRequest(generationType, prompt, aspectRatio, imageUrl, text(body, "imageKey"));
    }

    // A JSON null counts as absent; any other non-string is refused rather than coerced.
    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.textValue();
    }
}
