package com.gempix2.orchestrator.webhook;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gempix2.orchestrator.http.ApiException;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Thousands of hostile webhook bodies: each is read, or refused with a 400 naming what is wrong; none throws else. */
class HostileWebhooksTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Property(tries = 3000)
    void anyBodyIsReadOrRefusedWith400(@ForAll("bodies") Map<String, Object> body) {
        JsonNode json = MAPPER.valueToTree(body);
        try {
            WebhookPayload payload = WebhookPayload.read(json, false);
            assertTrue(!payload.uuid().isBlank());
        } catch (ApiException e) {
            assertTrue(e.status() == 400 && e.code().equals("malformed-webhook"), e.code() + " " + e.getMessage());
        }
    }

    @Property(tries = 500)
    void anyJsonValueIsReadOrRefused(@ForAll String text) {
        JsonNode json = MAPPER.getNodeFactory().textNode(text);
        try {
            WebhookPayload.read(json, false);
        } catch (ApiException e) {
            assertTrue(e.status() == 400);
        }
    }

    @Provide
    Arbitrary<Map<String, Object>> bodies() {
        Arbitrary<Object> value = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200).map(s -> (Object) s),
                Arbitraries.of("images.completed", "images.failed", "images.started", "https://cdn.example/a.png",
                        "file:///etc/passwd", "javascript:alert(1)", "http://169.254.169.254/", "").map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.just(List.of("x")),
                Arbitraries.just(Map.of("k", "v")));
        Arbitrary<String> keys = Arbitraries.of("event", "uuid", "imageUrl", "timestamp", "error", "msg", "other");
        return Arbitraries.maps(keys, value).ofMaxSize(7);
    }
}
