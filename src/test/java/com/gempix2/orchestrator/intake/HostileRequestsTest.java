package com.gempix2.orchestrator.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.gempix2.orchestrator.testing.Fuzz;

/**
 * Thousands of generated hostile messages: every one is accepted, rejected naming a field of the
 * contract, or found unreadable (dead-lettered), and none makes the parser throw.
 */
class HostileRequestsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> CONTRACT_FIELDS = List.of("requestId", "generationType", "prompt", "aspectRatio",
            "imageUrl", "imageKey", "sourceImage", "priority", "tenant", "deadline", "metadata");
    private static final Set<String> NAMED = Set.of("requestId", "generationType", "prompt", "aspectRatio",
            "imageUrl", "imageKey", "sourceImage", "sourceImage.url", "sourceImage.base64", "sourceImage.contentType",
            "priority", "tenant", "deadline", "metadata");
    private static final List<Object> LIKELY = List.of("r-1", "text_to_image", "image_to_image", "auto", "16:9", "high",
            "low", "https://img.example/a.png", "http://10.0.0.1/x", "2026-11-25T10:00:00Z", "", "   ",
            Map.of("url", "https://img.example/a.png"), Map.of("base64", "iVBORw0KGgoA", "contentType", "image/png"),
            Map.of("base64", "R0lGODlh", "contentType", "image/gif"), Map.of("base64", 7));

    private final RequestParser parser = new RequestParser(new RequestParserTest.Rules(2000, 65536, 16384), false);

    @Test
    void anyBytesGetAnAnswer() {
        Random random = Fuzz.random("bytes");
        for (int i = 0; i < 3000; i++) {
            assertAnswered(parser.parse(null, Fuzz.bytes(random, 300)), "bytes case " + i);
        }
    }

    @Test
    void anyJsonObjectGetsAnAnswer() throws Exception {
        Random random = Fuzz.random("objects");
        Map<Class<?>, Integer> answers = new java.util.HashMap<>();
        for (int i = 0; i < 4000; i++) {
            Map<String, Object> request = Fuzz.object(random, CONTRACT_FIELDS, LIKELY, 12);
            // Mostly with the fields every request needs, so that the rules behind them are reached too.
            if (random.nextInt(4) > 0) {
                request.put("requestId", "fuzz-" + i);
            }
            if (random.nextBoolean()) {
                request.putIfAbsent("generationType", "text_to_image");
                request.putIfAbsent("prompt", Fuzz.string(random, 40) + "x");
            }
            ParsedRequest parsed = parser.parse("k", MAPPER.writeValueAsBytes(request));
            assertAnswered(parsed, "object case " + i + ": " + request);
            answers.merge(parsed.getClass(), 1, Integer::sum);
        }
        assertEquals(3, answers.size(), "the cases reach every kind of answer: " + answers);
    }

    @Test
    void anyTextGetsAnAnswer() {
        Random random = Fuzz.random("text");
        for (int i = 0; i < 1000; i++) {
            assertAnswered(parser.parse("k", Fuzz.string(random, 200).getBytes(StandardCharsets.UTF_8)),
                    "text case " + i);
        }
    }

    private static void assertAnswered(ParsedRequest parsed, String input) {
        assertNotNull(parsed, input);
        if (parsed instanceof ParsedRequest.Invalid invalid) {
            String field = invalid.message().substring(0, Math.max(0, invalid.message().indexOf(':')));
            assertTrue(NAMED.contains(field), "names a field of the contract: " + invalid.message() + " for " + input);
            assertTrue(invalid.code() == 1000 || invalid.code() == 9005, "code " + invalid.code() + " for " + input);
        } else if (parsed instanceof ParsedRequest.Unreadable unreadable) {
            assertTrue(!unreadable.reason().isBlank(), input);
        } else {
            assertNotNull(((ParsedRequest.Valid) parsed).spec().requestId(), input);
        }
    }
}
