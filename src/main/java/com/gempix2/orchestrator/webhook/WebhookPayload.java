package com.gempix2.orchestrator.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.http.ApiException;
import com.gempix2.orchestrator.job.CompletedVia;
import com.gempix2.orchestrator.job.ErrorCodes;
import com.gempix2.orchestrator.job.Outcome;

/**
 * A Gempix2 webhook, read from its JSON: {@code event} ({@code images.completed} or
 * {@code images.failed}), {@code uuid}, {@code imageUrl} (completed only), {@code timestamp}.
 * Unknown fields are ignored; an event of another name is {@code recognised() == false}.
 */
record WebhookPayload(String event, String uuid, Outcome outcome) {

    static final String COMPLETED = "images.completed";
    static final String FAILED = "images.failed";
    private static final int MAX_UUID_LENGTH = 128;

    boolean recognised() {
        return outcome != null;
    }

    static WebhookPayload read(JsonNode body, boolean allowHttp) {
        if (body == null || !body.isObject()) {
            throw malformed("body must be a JSON object");
        }
        String event = text(body, "event");
        String uuid = text(body, "uuid");
        if (uuid.isBlank() || uuid.length() > MAX_UUID_LENGTH) {
            throw malformed("uuid: must be a non-blank string of at most " + MAX_UUID_LENGTH + " characters");
        }
        return switch (event) {
            case COMPLETED -> new WebhookPayload(event, uuid,
                    Outcome.completed(imageUrl(text(body, "imageUrl"), allowHttp), CompletedVia.WEBHOOK));
            case FAILED -> new WebhookPayload(event, uuid, Outcome.failed(ErrorCodes.SERVER_ERROR,
                    failureMessage(body), CompletedVia.WEBHOOK));
            case "" -> throw malformed("event: required");
            default -> new WebhookPayload(event, uuid, null);
        };
    }

    private static String imageUrl(String value, boolean allowHttp) {
        if (value.isBlank()) {
            throw malformed("imageUrl: required for " + COMPLETED);
        }
        String problem = ImageUrls.formatProblem(value, allowHttp);
        if (problem != null) {
            throw malformed(problem);
        }
        return value;
    }

    private static String failureMessage(JsonNode body) {
        for (String field : new String[]{"error", "message", "msg"}) {
            if (body.path(field).isTextual() && !body.path(field).asText().isBlank()) {
                return body.path(field).asText();
            }
        }
        return "Gempix2 reported the generation as failed";
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw malformed(field + ": must be a string");
        }
        return node.asText();
    }

    private static ApiException malformed(String message) {
        return new ApiException(400, "malformed-webhook", message);
    }
}
