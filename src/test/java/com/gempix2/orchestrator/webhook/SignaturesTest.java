package com.gempix2.orchestrator.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.http.ApiException;
import com.standardwebhooks.Webhook;

class SignaturesTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String BODY = "{\"event\":\"images.failed\",\"uuid\":\"u-1\"}";

    private final Signatures signatures = new Signatures(Optional.of(SECRET));

    static Map<String, List<String>> signed(String id, long timestampSeconds, String body) throws Exception {
        String signature = new Webhook(SECRET).sign(id, timestampSeconds, body);
        return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestampSeconds)),
                "webhook-signature", List.of(signature));
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void validSignatureIsSignedWithItsDeliveryId() throws Exception {
        Signatures.Check check = signatures.check(signed("msg_1", now(), BODY), BODY.getBytes(StandardCharsets.UTF_8));
        assertTrue(check.signed());
        assertEquals("msg_1", check.deliveryId());
    }

    @Test
    void changedBodyDoesNotVerify() throws Exception {
        var headers = signed("msg_2", now(), BODY);
        ApiException e = assertThrows(ApiException.class, () -> signatures.check(headers,
                BODY.replace("failed", "completed").getBytes(StandardCharsets.UTF_8)));
        assertEquals(401, e.status());
        assertEquals("bad-signature", e.code());
    }

    @Test
    void signatureOlderThanFiveMinutesDoesNotVerify() throws Exception {
        var headers = signed("msg_3", now() - 6 * 60, BODY);
        assertThrows(ApiException.class, () -> signatures.check(headers, BODY.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void unsignedWebhookIsAcceptedAsUnsigned() {
        Signatures.Check check = signatures.check(Map.of(), BODY.getBytes(StandardCharsets.UTF_8));
        assertFalse(check.signed());
    }

    @Test
    void withoutASecretNothingCountsAsSigned() throws Exception {
        Signatures none = new Signatures(Optional.empty());
        assertFalse(none.check(signed("msg_4", now(), BODY), BODY.getBytes(StandardCharsets.UTF_8)).signed());
    }
}
