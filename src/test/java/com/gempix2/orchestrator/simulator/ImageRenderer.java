package com.gempix2.orchestrator.simulator;

import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Draws the "generated" image: a colour taken from the uuid, with the prompt written on it, so a person can tell results apart. */
final class ImageRenderer {

    private static final System.Logger LOG = System.getLogger(ImageRenderer.class.getName());
    private static final String FOOTER = "Gempix2 simulator";

    static {
        // The simulator renders on servers without a display; honour an explicit choice if there is one.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** The pixel size for an aspect ratio: 16:9 is 768x432, 9:16 is 432x768, everything else 512x512. */
    static Dimension size(String aspectRatio) {
        return switch (aspectRatio) {
            case "16:9" -> new Dimension(768, 432);
            case "9:16" -> new Dimension(432, 768);
            default -> new Dimension(512, 512);
        };
    }

    /** A PNG for the generation; slow enough (tens of milliseconds) that callers keep it off the event loop. */
    byte[] render(String uuid, String prompt, String aspectRatio) {
        Dimension size = size(aspectRatio);
        BufferedImage image = new BufferedImage(size.width, size.height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        try {
            float hue = (uuid.hashCode() & 0xFFFF) / (float) 0x10000;
            Color top = Color.getHSBColor(hue, 0.55f, 0.85f);
            Color bottom = Color.getHSBColor(hue + 0.12f, 0.65f, 0.55f);
            graphics.setPaint(new GradientPaint(0, 0, top, 0, size.height, bottom));
            graphics.fillRect(0, 0, size.width, size.height);
            drawText(graphics, size, prompt, uuid);
        } finally {
            graphics.dispose();
        }
        return encode(image);
    }

    // Fonts are the fragile part of headless AWT: without them the image is still a valid, coloured PNG.
    private static void drawText(Graphics2D graphics, Dimension size, String prompt, String uuid) {
        try {
            graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            int margin = size.width / 16;
            graphics.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(12, size.width / 24)));
            FontMetrics metrics = graphics.getFontMetrics();
            int lineHeight = metrics.getHeight();
            int maxLines = Math.max(1, (size.height - 3 * margin - lineHeight) / lineHeight);
            int y = margin + metrics.getAscent();
            Color shadow = new Color(0, 0, 0, 110);
            for (String line : wrap(prompt, metrics, size.width - 2 * margin, maxLines)) {
                // A soft shadow keeps white text readable on the lighter hues.
                graphics.setColor(shadow);
                graphics.drawString(line, margin + 2, y + 2);
                graphics.setColor(Color.WHITE);
                graphics.drawString(line, margin, y);
                y += lineHeight;
            }
            graphics.setFont(new Font(Font.MONOSPACED, Font.PLAIN, Math.max(10, size.width / 48)));
            graphics.setColor(new Color(255, 255, 255, 190));
            graphics.drawString(FOOTER + "  " + uuid, margin, size.height - margin);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "Could not draw text on a simulated image, serving it without: {0}", e.toString());
        }
    }

    /** Greedy word wrap; a word wider than the line is cut, and the last line shows an ellipsis if text is left over. */
    static List<String> wrap(String text, FontMetrics metrics, int width, int maxLines) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split("\\s+")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (metrics.stringWidth(candidate) <= width) {
                line.setLength(0);
                line.append(candidate);
                continue;
            }
            if (!line.isEmpty()) {
                lines.add(line.toString());
            }
            line.setLength(0);
            line.append(cut(word, metrics, width));
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        if (lines.size() > maxLines) {
            List<String> kept = new ArrayList<>(lines.subList(0, maxLines));
            kept.set(maxLines - 1, cut(kept.get(maxLines - 1), metrics, width - metrics.stringWidth("...")) + "...");
            return kept;
        }
        return lines;
    }

    private static String cut(String text, FontMetrics metrics, int width) {
        int end = text.length();
        while (end > 1 && metrics.stringWidth(text.substring(0, end)) > width) {
            end--;
        }
        return text.substring(0, end);
    }

    private static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            // Writing to memory does not fail for I/O reasons.
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }
}
