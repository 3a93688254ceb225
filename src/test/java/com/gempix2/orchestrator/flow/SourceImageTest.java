package com.gempix2.orchestrator.flow;

import static com.gempix2.orchestrator.flow.Requests.awaitResult;
import static com.gempix2.orchestrator.flow.Requests.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.gempix2.orchestrator.testing.FreshAccountTest;
import com.gempix2.orchestrator.testing.KafkaBroker;
import com.gempix2.orchestrator.testing.KafkaTopics;
import com.gempix2.orchestrator.testing.Simulator;
import com.gempix2.orchestrator.testing.SimulatorResource;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** image_to_image with a sourceImage: the service uploads it to Gempix2 first, once per distinct image. */
@QuarkusTest
@WithTestResource(value = KafkaBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SimulatorResource.class, scope = TestResourceScope.GLOBAL)
class SourceImageTest extends FreshAccountTest {

    @Test
    void base64SourceIsUploadedOnceForTheSameBytes() {
        String image = Base64.getEncoder().encodeToString(png("the same sketch"));
        String first = send(newId("b64"), "{\"base64\": \"" + image + "\", \"contentType\": \"image/png\"}");
        String second = send(newId("b64"), "{\"base64\": \"" + image + "\", \"contentType\": \"image/png\"}");

        for (String id : new String[]{first, second}) {
            JsonNode result = awaitResult(id).json();
            assertEquals("completed", result.path("status").asText());
            assertEquals(1, result.path("attempts").asInt(), "the upload is not an attempt of the generation");
        }
        assertEquals(1, Simulator.calls("upload"), "the same bytes are uploaded once");
        assertEquals(2, Simulator.calls("generate"));
    }

    @Test
    void urlSourceIsDownloadedAndUploaded() {
        // A real PNG the simulator serves: the picture of an earlier generation.
        String earlier = Requests.post(newId("earlier"), "a picture to restyle");
        String imageUrl = awaitResult(earlier).json().path("imageUrl").asText();

        String id = send(newId("url"), "{\"url\": \"" + imageUrl + "\"}");

        JsonNode result = awaitResult(id).json();
        assertEquals("completed", result.path("status").asText());
        assertEquals(1, Simulator.calls("upload"));
        assertEquals(1, Simulator.generationsWith(id).size());
    }

    @Test
    void sourceThatIsNoImageIsRejectedWith9005WithoutAnyCall() {
        String notAnImage = Base64.getEncoder().encodeToString("<svg xmlns='http://www.w3.org/2000/svg'/>"
                .getBytes(StandardCharsets.UTF_8));
        String inline = send(newId("svg"), "{\"base64\": \"" + notAnImage + "\", \"contentType\": \"image/png\"}");
        String missing = send(newId("404"), "{\"url\": \"" + Simulator.base() + "/files/no-such-image.png\"}");

        for (String id : new String[]{inline, missing}) {
            JsonNode result = awaitResult(id).json();
            assertEquals("rejected", result.path("status").asText());
            assertEquals(9005, result.path("error").path("code").asInt());
            assertTrue(result.path("error").path("message").asText().startsWith("sourceImage"));
        }
        assertEquals(0, Simulator.calls("upload") + Simulator.calls("generate"), "no call was spent on them");
    }

    private static String send(String id, String sourceImage) {
        KafkaTopics.send(id, """
                {"requestId": "%s", "generationType": "image_to_image", "prompt": "restyle %s",
                 "sourceImage": %s}""".formatted(id, id, sourceImage));
        return id;
    }

    /** A small but real PNG, different for each {@code text}. */
    static byte[] png(String text) {
        var image = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, text.hashCode());
        var out = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(image, "png", out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
