package com.gempix2.orchestrator.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gempix2.orchestrator.http.ApiException;
import com.gempix2.orchestrator.job.CompletedVia;
import com.gempix2.orchestrator.job.JobStatus;

class WebhookPayloadTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    @Test
    void completedEventCarriesTheImage() throws Exception {
        WebhookPayload payload = WebhookPayload.read(json("""
                {"event":"images.completed","uuid":"u-1","imageUrl":"https://cdn.example/u-1.png",
                 "timestamp":"2025-10-16T10:05:00Z","extra":{"ignored":true}}"""), false);
        assertTrue(payload.recognised());
        assertEquals(JobStatus.COMPLETED, payload.outcome().status());
        assertEquals("https://cdn.example/u-1.png", payload.outcome().imageUrl());
        assertEquals(CompletedVia.WEBHOOK, payload.outcome().via());
    }

    @Test
    void failedEventKeepsAnyReasonGiven() throws Exception {
        WebhookPayload payload = WebhookPayload.read(json(
                "{\"event\":\"images.failed\",\"uuid\":\"u-2\",\"error\":\"NSFW content\"}"), false);
        assertEquals(JobStatus.FAILED, payload.outcome().status());
        assertEquals(5000, payload.outcome().errorCode());
        assertEquals("NSFW content", payload.outcome().errorMessage());
    }

    @Test
    void unknownEventIsNotRecognisedButNotAnError() throws Exception {
        assertFalse(WebhookPayload.read(json("{\"event\":\"images.started\",\"uuid\":\"u\"}"), false).recognised());
    }

    @Test
    void plainHttpImageIsRefusedUnlessAllowed() throws Exception {
        JsonNode body = json("{\"event\":\"images.completed\",\"uuid\":\"u\",\"imageUrl\":\"http://cdn.example/a\"}");
        assertThrows(ApiException.class, () -> WebhookPayload.read(body, false));
        assertEquals("http://cdn.example/a", WebhookPayload.read(body, true).outcome().imageUrl());
    }

    @Test
    void brokenShapesAre400s() throws Exception {
        for (String body : new String[]{"[]", "{\"event\":\"images.failed\"}", "{\"event\":1,\"uuid\":\"u\"}",
                "{\"event\":\"images.failed\",\"uuid\":{}}", "{\"uuid\":\"u\"}",
                "{\"event\":\"images.completed\",\"uuid\":\"u\",\"imageUrl\":\"not a url\"}",
                "{\"event\":\"images.failed\",\"uuid\":\"" + "u".repeat(200) + "\"}"}) {
            ApiException e = assertThrows(ApiException.class, () -> WebhookPayload.read(json(body), false), body);
            assertEquals(400, e.status());
        }
    }
}
