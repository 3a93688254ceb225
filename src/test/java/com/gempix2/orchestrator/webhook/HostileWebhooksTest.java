package com.gempix2.orchestrator.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gempix2.orchestrator.http.ApiException;
import com.gempix2.orchestrator.testing.Fuzz;

/** Thousands of generated webhook bodies: each is read, or refused with a 400 naming what is wrong; nothing else. */
class HostileWebhooksTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> FIELDS = List.of("event", "uuid", "imageUrl", "timestamp", "error", "msg");
    private static final List<Object> LIKELY = List.of("images.completed", "images.failed", "images.started",
            "u-1", "https://cdn.example/a.png", "file:///etc/passwd", "javascript:alert(1)", "http://169.254.169.254/",
            "");

    @Test
    void anyBodyIsReadOrRefusedWith400() {
        Random random = Fuzz.random("webhooks");
        for (int i = 0; i < 4000; i++) {
            Map<String, Object> body = Fuzz.object(random, FIELDS, LIKELY, 7);
            assertReadOrRefused(MAPPER.valueToTree(body), "case " + i + ": " + body);
        }
    }

    @Test
    void anyJsonValueIsReadOrRefused() {
        Random random = Fuzz.random("values");
        for (int i = 0; i < 500; i++) {
            assertReadOrRefused(MAPPER.getNodeFactory().textNode(Fuzz.string(random, 80)), "text case " + i);
        }
        assertReadOrRefused(MAPPER.getNodeFactory().arrayNode(), "an array");
        assertReadOrRefused(null, "no body");
    }

    private static void assertReadOrRefused(JsonNode json, String input) {
        try {
            WebhookPayload payload = WebhookPayload.read(json, false);
            assertFalse(payload.uuid().isBlank(), input);
        } catch (ApiException e) {
            assertEquals(400, e.status(), input);
            assertEquals("malformed-webhook", e.code(), input);
        }
    }
}
