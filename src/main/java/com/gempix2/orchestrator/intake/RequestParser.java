package com.gempix2.orchestrator.intake;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.gempix2.orchestrator.config.IntakeConfig;
import com.gempix2.orchestrator.job.ErrorCodes;
import com.gempix2.orchestrator.job.GenerationKind;
import com.gempix2.orchestrator.job.JobSpec;
import com.gempix2.orchestrator.job.Priority;
import com.gempix2.orchestrator.job.SourceImage;
import com.gempix2.orchestrator.support.ImageType;

/**
 * Reads a request message and checks it against the contract's rules. Pure: no I/O, no clock,
 * never throws for bad input.
 */
final class RequestParser {

    private static final Pattern WHITESPACE = Pattern.compile("\\s");
    static final Set<String> IMAGE_CONTENT_TYPES = Set.of("image/jpeg", "image/png", "image/webp");
    private static final int MAX_ID_LENGTH = 128;
    private static final int MAX_KEY_LENGTH = 512;
    private static final int MAX_URL_LENGTH = 4096;
    /** Longest record key kept (UTF-8 bytes); the result goes out under it, so it must fit any broker. */
    static final int MAX_RECORD_KEY_BYTES = 1024;

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    /** Key order and whitespace must not make two equal payloads look different. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private final IntakeConfig rules;
    private final boolean allowHttp;

    RequestParser(IntakeConfig rules, boolean allowHttp) {
        this.rules = rules;
        this.allowHttp = allowHttp;
    }

    ParsedRequest parse(String recordKey, byte[] value) {
        if (value == null || value.length == 0) {
            return new ParsedRequest.Unreadable("empty message");
        }
        if (value.length > rules.maxMessageBytes()) {
            return new ParsedRequest.Unreadable("message of " + value.length + " bytes is over the limit of "
                    + rules.maxMessageBytes());
        }
        JsonNode root;
        try {
            root = STRICT.readTree(value);
        } catch (IOException e) {
            return new ParsedRequest.Unreadable("not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            return new ParsedRequest.Unreadable("not a JSON object");
        }
        if (recordKey != null && recordKey.indexOf('\u0000') >= 0) {
            return new ParsedRequest.Unreadable("record key contains NUL characters");
        }
        boolean keyTooLong = recordKey != null
                && recordKey.getBytes(StandardCharsets.UTF_8).length > MAX_RECORD_KEY_BYTES;
        JsonNode id = root.get("requestId");
        if (id == null || !id.isTextual() || !validId(id.asText())) {
            String problem = "requestId: required, 1.." + MAX_ID_LENGTH + " printable characters";
            if (recordKey == null || recordKey.isEmpty() || keyTooLong) {
                // Nothing to key a result by: only the dead-letter topic can answer it.
                return new ParsedRequest.Unreadable(keyTooLong ? problem + "; and the record key is over "
                        + MAX_RECORD_KEY_BYTES + " bytes, so no result can be keyed by it" : problem);
            }
            // The record key stands in for the requestId: the producer gets a rejected result under its key.
            return new ParsedRequest.Invalid(JobSpec.keyedRejection(recordKey, hash(root)), 1000, problem);
        }
        if (keyTooLong) {
            // Answered under the requestId instead, naming the key: the result could not carry it.
            ParsedRequest checked = new Check(root, id.asText(), null, hash(root)).run();
            JobSpec spec = checked instanceof ParsedRequest.Valid valid ? valid.spec()
                    : ((ParsedRequest.Invalid) checked).spec();
            return new ParsedRequest.Invalid(spec, ErrorCodes.INVALID_PARAMETERS,
                    "key: the record key is over " + MAX_RECORD_KEY_BYTES + " bytes (UTF-8)");
        }
        return new Check(root, id.asText(), recordKey, hash(root)).run();
    }

    /** Checks the fields one by one; the first broken rule names the field. */
    private final class Check {

        private final JsonNode root;
        private final String requestId;
        private final String recordKey;
        private final String hash;
        private String problem;
        private int problemCode;

        Check(JsonNode root, String requestId, String recordKey, String hash) {
            this.root = root;
            this.requestId = requestId;
            this.recordKey = recordKey;
            this.hash = hash;
        }

        ParsedRequest run() {
            String generationType = oneOf("generationType", GenerationKind.TYPES, null);
            String prompt = string("prompt", true, rules.promptMaxLength());
            if (prompt != null && prompt.isBlank()) {
                fail("prompt: must not be blank");
            }
            String aspectRatio = oneOf("aspectRatio", GenerationKind.ASPECT_RATIOS, "auto");
            String imageUrl = url("imageUrl");
            String imageKey = string("imageKey", false, MAX_KEY_LENGTH);
            SourceImage sourceImage = sourceImage(generationType, imageUrl != null || imageKey != null);
            if ("image_to_image".equals(generationType) && imageUrl == null && imageKey == null
                    && sourceImage == null) {
                fail("imageUrl: required for image_to_image (or imageKey, or sourceImage)");
            }
            String priorityText = oneOf("priority", Set.of("high", "normal", "low"), "normal");
            Priority priority = priorityText == null ? Priority.NORMAL : Priority.parse(priorityText).orElseThrow();
            String tenant = string("tenant", false, MAX_ID_LENGTH);
            if (tenant != null && tenant.isBlank()) {
                fail("tenant: must not be blank");
            }
            Instant deadline = instant("deadline");
            String metadata = metadata();
            JobSpec spec = new JobSpec(requestId, recordKey, hash, generationType, prompt, aspectRatio, imageUrl,
                    imageKey, priority, tenant == null ? "default" : tenant, deadline, metadata, sourceImage);
            return problem == null ? new ParsedRequest.Valid(spec)
                    : new ParsedRequest.Invalid(spec, problemCode, problem);
        }

        private String string(String field, boolean required, int maxLength) {
            return string(root, field, field, required, maxLength);
        }

        /** {@code name} is how the field is named in an answer: {@code sourceImage.url} for a nested one. */
        private String string(JsonNode parent, String field, String name, boolean required, int maxLength) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                if (required) {
                    fail(name + ": required");
                }
                return null;
            }
            if (!node.isTextual()) {
                fail(name + ": must be a string");
                return null;
            }
            String text = node.asText();
            if (text.codePointCount(0, text.length()) > maxLength) {
                fail(name + ": longer than " + maxLength + " characters");
                return null;
            }
            // PostgreSQL text cannot hold NUL: refused here, it would otherwise fail every attempt to store the job.
            if (text.indexOf('\u0000') >= 0) {
                fail(name + ": must not contain NUL characters");
                return null;
            }
            return text;
        }

        private String oneOf(String field, Set<String> allowed, String fallback) {
            String value = string(field, fallback == null, MAX_ID_LENGTH);
            if (value == null) {
                return fallback;
            }
            if (!allowed.contains(value)) {
                fail(field + ": must be one of " + String.join(", ", allowed.stream().sorted().toList()));
                return fallback;
            }
            return value;
        }

        private String url(String field) {
            return url(root, field, field);
        }

        private String url(JsonNode parent, String field, String name) {
            String value = string(parent, field, name, false, MAX_URL_LENGTH);
            if (value == null) {
                return null;
            }
            try {
                URI uri = new URI(value);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
                if (uri.getHost() == null
                        || !(scheme.equals("https") || (allowHttp && scheme.equals("http")))) {
                    fail(name + ": must be an absolute https URL");
                }
            } catch (URISyntaxException e) {
                fail(name + ": not a valid URL");
            }
            return value;
        }

        private Instant instant(String field) {
            String value = string(field, false, 64);
            if (value == null) {
                return null;
            }
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                fail(field + ": must be an ISO-8601 instant such as 2026-11-25T10:00:00Z");
                return null;
            }
        }

        private String metadata() {
            JsonNode node = root.get("metadata");
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                fail("metadata: must be a JSON object");
                return null;
            }
            String json = node.toString();
            if (json.getBytes(StandardCharsets.UTF_8).length > rules.metadataMaxBytes()) {
                fail("metadata: larger than " + rules.metadataMaxBytes() + " bytes");
                return null;
            }
            return json;
        }

        /**
         * {@code {"url": ...}} or {@code {"base64": ..., "contentType": ...}}: a URL is checked here and
         * downloaded at dispatch; base64 is decoded here and its bytes must be a JPEG, PNG or WebP image.
         */
        private SourceImage sourceImage(String generationType, boolean hasImage) {
            JsonNode node = root.get("sourceImage");
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                fail("sourceImage: must be an object with url, or with base64 and contentType");
                return null;
            }
            if (!"image_to_image".equals(generationType)) {
                fail("sourceImage: only for image_to_image");
            }
            if (hasImage) {
                fail("sourceImage: give sourceImage or imageUrl/imageKey, not both");
            }
            boolean hasUrl = node.hasNonNull("url");
            if (hasUrl == node.hasNonNull("base64")) {
                fail("sourceImage: needs exactly one of url and base64");
                return null;
            }
            if (hasUrl) {
                String url = url(node, "url", "sourceImage.url");
                return url == null ? null : new SourceImage(url, null);
            }
            String contentType = string(node, "contentType", "sourceImage.contentType", true, MAX_ID_LENGTH);
            if (contentType != null && !IMAGE_CONTENT_TYPES.contains(contentType.toLowerCase(Locale.ROOT))) {
                fail("sourceImage.contentType: must be one of "
                        + String.join(", ", IMAGE_CONTENT_TYPES.stream().sorted().toList()));
            }
            String base64 = string(node, "base64", "sourceImage.base64", true, Integer.MAX_VALUE);
            if (base64 == null) {
                return null;
            }
            byte[] bytes;
            try {
                // Line breaks are tolerated; anything else outside the alphabet is an error, not skipped.
                bytes = Base64.getDecoder().decode(WHITESPACE.matcher(base64).replaceAll(""));
            } catch (IllegalArgumentException e) {
                fail("sourceImage.base64: not valid base64");
                return null;
            }
            if (ImageType.detect(bytes).isEmpty()) {
                unusable("sourceImage: not a JPEG, PNG or WebP image (its bytes say so, whatever contentType says)");
                return null;
            }
            return new SourceImage(null, bytes);
        }

        private void fail(String message) {
            if (problem == null) {
                problem = message;
                problemCode = ErrorCodes.INVALID_PARAMETERS;
            }
        }

        private void unusable(String message) {
            if (problem == null) {
                problem = message;
                problemCode = ErrorCodes.SOURCE_IMAGE_UNUSABLE;
            }
        }
    }

    static boolean validId(String id) {
        return !id.isEmpty() && id.length() <= MAX_ID_LENGTH
                && id.codePoints().noneMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c) && c != ' ');
    }

    private static String hash(JsonNode root) {
        try {
            Map<String, Object> tree = CANONICAL.convertValue(root, new TypeReference<>() {
            });
            byte[] canonical = CANONICAL.writeValueAsBytes(tree);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a parsed request", e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
