package com.gempix2.orchestrator.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.config.IntakeConfig;
import com.gempix2.orchestrator.job.JobSpec;
import com.gempix2.orchestrator.job.Priority;

class RequestParserTest {

    record Rules(int promptMaxLength, int maxMessageBytes, int metadataMaxBytes)
            implements
                IntakeConfig {
    }

    private final RequestParser parser = new RequestParser(new Rules(20, 4096, 64), false);

    private ParsedRequest parse(String json) {
        return parser.parse("key-1", json.getBytes(StandardCharsets.UTF_8));
    }

    private JobSpec valid(String json) {
        return assertInstanceOf(ParsedRequest.Valid.class, parse(json)).spec();
    }

    private String invalid(String json) {
        return assertInstanceOf(ParsedRequest.Invalid.class, parse(json)).message();
    }

    private String unreadable(byte[] value) {
        return unreadable(value, null);
    }

    private String unreadable(byte[] value, String recordKey) {
        return assertInstanceOf(ParsedRequest.Unreadable.class, parser.parse(recordKey, value)).reason();
    }

    @Test
    void aRecordKeyOverOneKibibyteIsNamedAndTheResultGoesUnderTheRequestId() {
        String json = "{\"requestId\":\"r1\",\"generationType\":\"text_to_image\",\"prompt\":\"a cat\"}";
        // 1024 bytes is the limit, counted in UTF-8: 342 three-byte characters are 1026 bytes.
        assertInstanceOf(ParsedRequest.Valid.class,
                parser.parse("k".repeat(1024), json.getBytes(StandardCharsets.UTF_8)));
        ParsedRequest.Invalid over = assertInstanceOf(ParsedRequest.Invalid.class,
                parser.parse("\u20ac".repeat(342), json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(over.message().startsWith("key:"), over.message());
        assertEquals(1000, over.code());
        assertEquals("r1", over.spec().requestId());
        assertNull(over.spec().recordKey(), "the result is keyed by the requestId");
        assertEquals("a cat", over.spec().prompt());

        String withoutId = unreadable("{\"prompt\":\"a cat\"}".getBytes(StandardCharsets.UTF_8), "k".repeat(1025));
        assertTrue(withoutId.contains("record key is over 1024 bytes"), withoutId);
    }

    @Test
    void minimalRequestGetsTheContractDefaults() {
        JobSpec spec = valid("{\"requestId\":\"r1\",\"generationType\":\"text_to_image\",\"prompt\":\"a cat\"}");
        assertEquals("r1", spec.requestId());
        assertEquals("key-1", spec.recordKey());
        assertEquals("auto", spec.aspectRatio());
        assertEquals(Priority.NORMAL, spec.priority());
        assertEquals("default", spec.tenant());
        assertNull(spec.deadline());
        assertNull(spec.metadataJson());
    }

    @Test
    void everyOptionalFieldIsRead() {
        JobSpec spec = valid("""
                {"requestId":"r2","generationType":"image_to_image","prompt":"make it blue",
                 "aspectRatio":"9:16","imageUrl":"https://img.example/a.png","imageKey":"r2-key",
                 "priority":"high","tenant":"shop","deadline":"2026-11-25T10:00:00+01:00",
                 "metadata":{"a":[1,2]},"unknownField":true}""");
        assertEquals("9:16", spec.aspectRatio());
        assertEquals("https://img.example/a.png", spec.imageUrl());
        assertEquals("r2-key", spec.imageKey());
        assertEquals(Priority.HIGH, spec.priority());
        assertEquals("shop", spec.tenant());
        assertEquals(Instant.parse("2026-11-25T09:00:00Z"), spec.deadline());
        assertEquals("{\"a\":[1,2]}", spec.metadataJson());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"requestId\":\"r\",\"prompt\":\"p\"}|generationType: required",
            "{\"requestId\":\"r\",\"generationType\":\"video\",\"prompt\":\"p\"}|generationType: must be one of",
            "{\"requestId\":\"r\",\"generationType\":\"text_to_image\"}|prompt: required",
            "{\"requestId\":\"r\",\"generationType\":\"text_to_image\",\"prompt\":\"  \"}|prompt: must not be blank",
            "{\"requestId\":\"r\",\"generationType\":\"text_to_image\",\"prompt\":7}|prompt: must be a string",
            "{\"requestId\":\"r\",\"generationType\":\"text_to_image\",\"prompt\":\"123456789012345678901\"}|prompt: longer than 20",
            "{\"requestId\":\"r\",\"generationType\":\"text_to_image\",\"prompt\":\"p\",\"aspectRatio\":\"4:3\"}|aspectRatio: must be one of",
            "{\"requestId\":\"r\",\"generationType\":\"image_to_image\",\"prompt\":\"p\"}|imageUrl: required for image_to_image",
            "{\"requestId\":\"r\",\"generationType\":\"text_to_image\",\"prompt\":\"p\",\"imageUrl\":\"http://a.example/x\"}|imageUrl: must be an absolute https URL",
            "{\"requestId\":\"r\",\"generationType\":\"text_to_image\",\"prompt\":\"p\",\"imageUrl\":\"/relative\"}|imageUrl: must be an absolute https URL",
            "{\"requestId\":\"r\",\"generationType\":\"text_to_image\",\"prompt\":\"p\",\"priority\":\"urgent\"}|priority: must be one of",
            "{\"requestId\":\"r\",\"generationType\":\"text_to_image\",\"prompt\":\"p\",\"tenant\":\"\"}|tenant: must not be blank",
            "{\"requestId\":\"r\",\"generationType\":\"text_to_image\",\"prompt\":\"p\",\"deadline\":\"tomorrow\"}|deadline: must be an ISO-8601 instant",
            "{\"requestId\":\"r\",\"generationType\":\"text_to_image\",\"prompt\":\"p\",\"metadata\":[1]}|metadata: must be a JSON object",
            "{\"requestId\":\"r\",\"generationType\":\"text_to_image\",\"prompt\":\"p\",\"metadata\":{\"k\":\"0123456789012345678901234567890123456789012345678901234567890\"}}|metadata: larger than 64",
            "{\"requestId\":\"r\",\"generationType\":\"text_to_image\",\"prompt\":\"p\",\"sourceImage\":{\"url\":\"https://x.example/a.png\"}}|sourceImage: only for image_to_image",
            "{\"requestId\":\"r\",\"generationType\":\"image_to_image\",\"prompt\":\"p\",\"sourceImage\":\"https://x.example/a.png\"}|sourceImage: must be an object",
            "{\"requestId\":\"r\",\"generationType\":\"image_to_image\",\"prompt\":\"p\",\"sourceImage\":{}}|sourceImage: needs exactly one of url and base64",
            "{\"requestId\":\"r\",\"generationType\":\"image_to_image\",\"prompt\":\"p\",\"sourceImage\":{\"url\":\"http://x.example/a.png\"}}|sourceImage.url: must be an absolute https URL",
            "{\"requestId\":\"r\",\"generationType\":\"image_to_image\",\"prompt\":\"p\",\"sourceImage\":{\"base64\":\"%%%\",\"contentType\":\"image/png\"}}|sourceImage.base64: not valid base64",
            "{\"requestId\":\"r\",\"generationType\":\"image_to_image\",\"prompt\":\"p\",\"sourceImage\":{\"base64\":\"iVBORw0KGgo=\",\"contentType\":\"image/gif\"}}|sourceImage.contentType: must be one of",
            "{\"requestId\":\"r\",\"generationType\":\"image_to_image\",\"prompt\":\"p\",\"imageUrl\":\"https://x.example/a.png\",\"sourceImage\":{\"url\":\"https://x.example/a.png\"}}|sourceImage: give sourceImage or imageUrl/imageKey, not both",
    })
    void brokenRuleIsRejectedNamingTheField(String json, String expected) {
        String message = invalid(json);
        assertTrue(message.startsWith(expected), message);
    }

    @Test
    void sourceImageIsReadAsAUrlOrAsDecodedBytes() {
        JobSpec byUrl = valid("""
                {"requestId":"s1","generationType":"image_to_image","prompt":"p",
                 "sourceImage":{"url":"https://img.example/a.png"}}""");
        assertEquals("https://img.example/a.png", byUrl.sourceImage().url());
        String png = java.util.Base64.getEncoder()
                .encodeToString(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 1});
        JobSpec byBytes = valid("""
                {"requestId":"s2","generationType":"image_to_image","prompt":"p",
                 "sourceImage":{"base64":"%s","contentType":"image/png"}}""".formatted(png));
        assertEquals(9, byBytes.sourceImage().bytes().length);
    }

    @Test
    void sourceImageThatIsNoImageIsUnusableWith9005() {
        // GIF89a: a real image, but not one Gempix2 takes; the content type claims otherwise.
        String gif = java.util.Base64.getEncoder().encodeToString("GIF89a....".getBytes(StandardCharsets.US_ASCII));
        ParsedRequest.Invalid result = assertInstanceOf(ParsedRequest.Invalid.class, parse("""
                {"requestId":"s3","generationType":"image_to_image","prompt":"p",
                 "sourceImage":{"base64":"%s","contentType":"image/png"}}""".formatted(gif)));
        assertEquals(9005, result.code());
        assertTrue(result.message().startsWith("sourceImage: not a JPEG, PNG or WebP image"), result.message());
    }

    @Test
    void nulCharactersAreRefusedBeforeTheDatabaseSeesThem() {
        assertEquals("prompt: must not contain NUL characters",
                invalid("{\"requestId\":\"n1\",\"generationType\":\"text_to_image\",\"prompt\":\"a\\u0000b\"}"));
        assertInstanceOf(ParsedRequest.Unreadable.class, parser.parse("key\u0000",
                "{\"requestId\":\"n2\",\"generationType\":\"text_to_image\",\"prompt\":\"p\"}"
                        .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rejectedRequestKeepsWhatCouldBeRead() {
        ParsedRequest.Invalid result = assertInstanceOf(ParsedRequest.Invalid.class,
                parse("{\"requestId\":\"r3\",\"generationType\":\"text_to_image\",\"prompt\":\"\","
                        + "\"metadata\":{\"trace\":\"t-1\"}}"));
        assertEquals("r3", result.spec().requestId());
        assertEquals("{\"trace\":\"t-1\"}", result.spec().metadataJson(), "metadata is echoed in the rejection");
    }

    @Test
    void plainHttpIsAcceptedOnlyWhereConfigured() {
        RequestParser lenient = new RequestParser(new Rules(20, 4096, 64), true);
        ParsedRequest parsed = lenient.parse(null, ("{\"requestId\":\"r\",\"generationType\":\"image_to_image\","
                + "\"prompt\":\"p\",\"imageUrl\":\"http://127.0.0.1:8090/files/a.png\"}")
                .getBytes(StandardCharsets.UTF_8));
        assertInstanceOf(ParsedRequest.Valid.class, parsed);
    }

    @Test
    void unreadableMessagesAreNotAnswerable() {
        assertTrue(unreadable("not json".getBytes(StandardCharsets.UTF_8)).startsWith("not valid JSON"));
        assertEquals("not a JSON object", unreadable("[1,2]".getBytes(StandardCharsets.UTF_8)));
        assertEquals("not a JSON object", unreadable("\"text\"".getBytes(StandardCharsets.UTF_8)));
        assertEquals("empty message", unreadable(new byte[0]));
        assertEquals("empty message", unreadable(null));
        assertTrue(unreadable(new byte[]{'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'})
                .startsWith("not valid JSON"), "invalid UTF-8");
        assertTrue(unreadable("{\"requestId\":\"a\",\"requestId\":\"b\"}".getBytes(StandardCharsets.UTF_8))
                .startsWith("not valid JSON"), "a duplicated field is ambiguous");
        assertTrue(unreadable(("{\"requestId\":\"r\",\"prompt\":\"" + "x".repeat(5000) + "\"}")
                .getBytes(StandardCharsets.UTF_8)).contains("over the limit"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"generationType\":\"text_to_image\",\"prompt\":\"p\"}",
            "{\"requestId\":\"\",\"generationType\":\"text_to_image\",\"prompt\":\"p\"}",
            "{\"requestId\":42,\"generationType\":\"text_to_image\",\"prompt\":\"p\"}",
            "{\"requestId\":\"tab\\there\",\"generationType\":\"text_to_image\",\"prompt\":\"p\"}",
    })
    void requestWithoutAUsableRequestIdIsRejectedUnderItsRecordKey(String json) {
        byte[] value = json.getBytes(StandardCharsets.UTF_8);
        assertTrue(unreadable(value).startsWith("requestId:"), "without a record key only the DLQ can answer");
        assertTrue(unreadable(value, "").startsWith("requestId:"), "an empty key is no key");

        var rejected = assertInstanceOf(ParsedRequest.Invalid.class, parser.parse("order-7", value));
        assertEquals(1000, rejected.code());
        assertTrue(rejected.message().startsWith("requestId:"), rejected.message());
        assertEquals("order-7", rejected.spec().recordKey());
        assertTrue(JobSpec.isKeyed(rejected.spec().requestId()));
        assertFalse(RequestParser.validId(rejected.spec().requestId()), "never mistaken for a producer's requestId");
        assertEquals(rejected.spec().requestId(),
                ((ParsedRequest.Invalid) parser.parse("order-7", value)).spec().requestId(),
                "the same key, the same stored id: a redelivery is a duplicate");
        assertNotEquals(rejected.spec().requestId(),
                ((ParsedRequest.Invalid) parser.parse("order-8", value)).spec().requestId());
    }

    @Test
    void deeplyNestedJsonIsUnreadableNotACrash() {
        String nested = "{\"requestId\":\"r\",\"metadata\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        RequestParser roomy = new RequestParser(new Rules(20, 1 << 20, 64), false);
        assertInstanceOf(ParsedRequest.Unreadable.class, roomy.parse(null, nested.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void payloadHashIgnoresKeyOrderAndWhitespaceButNotValues() {
        String a = valid("{\"requestId\":\"r\",\"generationType\":\"text_to_image\",\"prompt\":\"p\","
                + "\"metadata\":{\"x\":1,\"y\":2}}").payloadHash();
        String b = valid("{ \"metadata\": {\"y\":2, \"x\":1}, \"prompt\":\"p\",\n\"generationType\":\"text_to_image\","
                + "\"requestId\":\"r\" }").payloadHash();
        String c = valid("{\"requestId\":\"r\",\"generationType\":\"text_to_image\",\"prompt\":\"q\"}").payloadHash();
        assertEquals(a, b);
        assertNotEquals(a, c);
    }
}
