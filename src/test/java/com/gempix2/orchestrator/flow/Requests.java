package com.gempix2.orchestrator.flow;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.KafkaTopics.Received;

/** Builds request messages and waits for their answers, as a business system would. */
final class Requests {

    private Requests() {
    }

    static String newId(String what) {
        return what + "-" + UUID.randomUUID();
    }

    /** A text_to_image request whose prompt carries the requestId, so simulator generations can be matched. */
    static String textToImage(String requestId, String prompt) {
        return """
                {"requestId": "%s", "generationType": "text_to_image", "prompt": "%s %s",
                 "aspectRatio": "16:9", "metadata": {"order": "%s", "nested": {"n": 1}}}"""
                .formatted(requestId, prompt, requestId, requestId);
    }

    static String post(String requestId, String prompt) {
        KafkaTopics.send(requestId, textToImage(requestId, prompt));
        return requestId;
    }

    static Received awaitResult(String requestId) {
        return await().atMost(Duration.ofSeconds(30))
                .until(() -> KafkaTopics.results(requestId), list -> !list.isEmpty())
                .get(0);
    }

    /** The request's first result, or null while there is none. */
    static Received resultOf(String requestId) {
        List<Received> found = KafkaTopics.results(requestId);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The result topic holds exactly one record for the request, and keeps holding one for a while. */
    static void assertExactlyOneResult(String requestId) {
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> KafkaTopics.results(requestId).size() == 1);
    }

    static List<Received> awaitDeadLetter(String marker) {
        return await().atMost(Duration.ofSeconds(30))
                .until(() -> KafkaTopics.deadLetters(marker), list -> !list.isEmpty());
    }
}
