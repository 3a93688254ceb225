package com.gempix2.orchestrator.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageRendererTest {

    private final ImageRenderer renderer = new ImageRenderer();

    @Test
    void veryLongPromptStillRendersAValidPng() throws IOException {
        String prompt = "word ".repeat(2000) + "Supercalifragilisticexpialidocious".repeat(20);

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(renderer.render("u-1", prompt, "9:16")));

        assertEquals(432, image.getWidth());
        assertEquals(768, image.getHeight());
    }

    @Test
    void backgroundColourDependsOnTheUuid() throws IOException {
        BufferedImage first = ImageIO.read(new ByteArrayInputStream(renderer.render("aaaa", "p", "1:1")));
        BufferedImage second = ImageIO.read(new ByteArrayInputStream(renderer.render("bbbb-other", "p", "1:1")));

        assertNotEquals(first.getRGB(500, 250), second.getRGB(500, 250));
    }

    @Test
    void imageFormatIsDetectedByMagicBytes() {
        assertEquals(ImageFormat.PNG,
                ImageFormat.detect(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}).orElseThrow());
        assertEquals(ImageFormat.JPEG,
                ImageFormat.detect(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}).orElseThrow());
        assertEquals(ImageFormat.WEBP, ImageFormat.detect("RIFF1234WEBP".getBytes()).orElseThrow());
        assertTrue(ImageFormat.detect("RIFF1234WAVE".getBytes()).isEmpty());
        assertTrue(ImageFormat.detect(new byte[0]).isEmpty());
    }
}
