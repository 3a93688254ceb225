package com.gempix2.orchestrator.provider;

import java.util.OptionalInt;

import com.fasterxml.jackson.databind.JsonNode;

/** The {@code data} of an image-status answer. */
public record GenerationStatus(String uuid, State state, String rawStatus, String imageUrl, OptionalInt progress,
        OptionalInt estimatedSeconds, String error) {

    /** Gempix2's status values; anything else is {@code UNRECOGNISED} and treated as still running. */
    public enum State {
        PENDING, PROCESSING, COMPLETED, FAILED, UNRECOGNISED
    }

    static GenerationStatus from(JsonNode data) {
        String raw = data.path("status").asText("");
        State state = switch (raw) {
            case "pending" -> State.PENDING;
            case "processing" -> State.PROCESSING;
            case "completed" -> State.COMPLETED;
            case "failed" -> State.FAILED;
            default -> State.UNRECOGNISED;
        };
        return new GenerationStatus(data.path("uuid").asText(null), state, raw, text(data, "imageUrl"),
                number(data, "progress"), number(data, "estimatedTime"),
                text(data, "error") != null ? text(data, "error") : text(data, "msg"));
    }

    private static String text(JsonNode data, String field) {
        JsonNode node = data.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

    private static OptionalInt number(JsonNode data, String field) {
        JsonNode node = data.get(field);
        return node != null && node.canConvertToInt() ? OptionalInt.of(node.asInt()) : OptionalInt.empty();
    }
}
