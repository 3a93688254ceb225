package com.gempix2.orchestrator.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UploadTest {

    private final SimulatorHarness sim = SimulatorHarness.start();

    @AfterEach
    void stop() throws Exception {
        sim.close();
    }

    @Test
    void pngIsAcceptedAndServedBackAtItsImageUrl() throws IOException {
        byte[] png = tinyPng();

        SimulatorHarness.Answer answer = sim.upload("photo.png", "image/png", png);

        assertEquals(0, answer.code(), answer.text());
        assertEquals("Upload successful", answer.json().get("msg").asText());
        String imageKey = answer.data().get("imageKey").asText();
        assertTrue(imageKey.matches("r2-[0-9a-f]{32}"), imageKey);
        String imageUrl = answer.data().get("imageUrl").asText();
        assertEquals(sim.baseUrl() + "/files/uploads/" + imageKey, imageUrl);
        SimulatorHarness.Answer served = sim.send(HttpRequest.newBuilder(URI.create(imageUrl)).GET());
        assertEquals(200, served.status());
        assertEquals("image/png", served.header("Content-Type"));
        assertArrayEquals(png, served.body());
    }

    @Test
    void formatIsJudgedByMagicBytesNotByNameOrContentType() {
        SimulatorHarness.Answer text = sim.upload("photo.png", "image/png",
                "just some text".getBytes(StandardCharsets.UTF_8));
        assertEquals(1000, text.code());
        assertTrue(text.json().get("msg").asText().startsWith("Invalid parameters: file"));

        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10};
        assertEquals(0, sim.upload("notes.txt", "text/plain", jpeg).code());
        byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(0, sim.upload("blob", "application/octet-stream", webp).code());
    }

    @Test
    void missingFileFieldAnswers1000() {
        SimulatorHarness.Answer answer = sim.send(sim.authorized("/api/upload-image-image")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

        assertEquals(1000, answer.code());
        assertTrue(answer.json().get("msg").asText().contains("file"));
    }

    @Test
    void fileOver50MegabytesAnswers1000() {
        byte[] big = new byte[(int) Uploads.MAX_BYTES + 1];
        System.arraycopy(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, 0, big, 0, 8);

        SimulatorHarness.Answer answer = sim.upload("huge.png", "image/png", big);

        assertEquals(1000, answer.code());
        assertTrue(answer.json().get("msg").asText().contains("50 MB"));
    }

    @Test
    void unknownUploadIs404() {
        assertEquals(404, sim.get("/files/uploads/r2-0000").status());
    }

    private static byte[] tinyPng() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }
}
