package com.gempix2.orchestrator.intake;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Thousands of hostile messages: every one is accepted, rejected naming a field of the contract, or
 * found unreadable (dead-lettered), and none makes the parser throw.
 */
class HostileRequestsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("requestId", "generationType", "prompt", "aspectRatio",
            "imageUrl", "imageKey", "sourceImage", "sourceImage.url", "sourceImage.base64", "sourceImage.contentType",
            "priority", "tenant", "deadline", "metadata");

    private final RequestParser parser = new RequestParser(new RequestParserTest.Rules(2000, 65536, 16384, false));

    @Property(tries = 3000)
    void anyBytesGetAnAnswer(@ForAll byte[] value) {
        assertAnswered(parser.parse(null, value));
    }

    @Property(tries = 3000)
    void anyJsonObjectGetsAnAnswer(@ForAll("requests") Map<String, Object> request) throws Exception {
        assertAnswered(parser.parse("k", MAPPER.writeValueAsBytes(request)));
    }

    @Property(tries = 1000)
    void anyTextGetsAnAnswer(@ForAll String text) {
        assertAnswered(parser.parse("k", text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertAnswered(ParsedRequest parsed) {
        assertNotNull(parsed);
        if (parsed instanceof ParsedRequest.Invalid invalid) {
            String field = invalid.message().substring(0, Math.max(0, invalid.message().indexOf(':')));
            assertTrue(FIELDS.contains(field), "names a field of the contract: " + invalid.message());
            assertTrue(invalid.code() == 1000 || invalid.code() == 9005, "code " + invalid.code());
        } else if (parsed instanceof ParsedRequest.Unreadable unreadable) {
            assertTrue(!unreadable.reason().isBlank());
        } else {
            assertNotNull(((ParsedRequest.Valid) parsed).spec().requestId());
        }
    }

    /** Requests built from the contract's fields, each with a value of a right or a wrong type. */
    @Provide
    Arbitrary<Map<String, Object>> requests() {
        Arbitrary<Object> anyValue = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s),
                Arbitraries.of("text_to_image", "image_to_image", "auto", "16:9", "high", "low",
                        "https://img.example/a.png", "http://10.0.0.1/x", "2026-11-25T10:00:00Z", "", "   "),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(List.of(1, "two")),
                Arbitraries.of(Map.of("url", "https://img.example/a.png"), Map.of("base64", "iVBORw0KGgoA",
                        "contentType", "image/png"), Map.of("base64", "R0lGODlh", "contentType", "image/gif"),
                        Map.of("nested", Map.of("deep", List.of()))).map(m -> (Object) m));
        Arbitrary<String> keys = Arbitraries.oneOf(
                Arbitraries.of("requestId", "generationType", "prompt", "aspectRatio", "imageUrl", "imageKey",
                        "sourceImage", "priority", "tenant", "deadline", "metadata"),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12));
        return Arbitraries.maps(keys, anyValue).ofMaxSize(12);
    }
}
