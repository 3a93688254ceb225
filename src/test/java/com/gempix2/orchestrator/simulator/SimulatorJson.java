package com.gempix2.orchestrator.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one Jackson mapper of the simulator, kept apart from the application's so that neither configures the other. */
final class SimulatorJson {

    // Strict on numbers so that a control call with "rateLimit": null or 1.5 is refused, not silently truncated.
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private SimulatorJson() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // Only our own records are written: a failure here is a bug, not an input problem.
            throw new UncheckedIOException(e);
        }
    }

    /** Parses bytes that should hold JSON; an empty body reads as a missing node, never null. */
    static JsonNode parse(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes == null ? new byte[0] : bytes);
            return node == null ? MAPPER.missingNode() : node;
        } catch (IOException e) {
            throw new IllegalArgumentException("body is not valid JSON", e);
        }
    }

    /**
     * Binds a tree to a record whose constructor validates.
     *
     * @throws IllegalArgumentException with a message a caller can show: the constructor's own, or the field at fault
     */
    static <T> T read(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(explain(e), e);
        }
    }

    // Constructor checks arrive wrapped in Jackson exceptions; the innermost message is the one that helps.
    private static String explain(JsonProcessingException e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        if (root instanceof IllegalArgumentException) {
            return root.getMessage();
        }
        String field = e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                ? mapping.getPath().get(0).getFieldName() + ": "
                : "";
        return field + e.getOriginalMessage();
    }
}
