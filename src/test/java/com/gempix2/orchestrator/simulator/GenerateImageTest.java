package com.gempix2.orchestrator.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GenerateImageTest {

    private final SimulatorHarness sim = SimulatorHarness.start();

    @AfterEach
    void stop() throws Exception {
        sim.close();
    }

    @Test
    void generateAnswersAPendingGenerationEchoingTheRequest() {
        Instant before = Instant.now().minusSeconds(1);

        JsonNode data = sim.textToImage("A beautiful sunset over the ocean", "16:9").data();

        UUID.fromString(data.get("uuid").asText());
        assertEquals("pending", data.get("status").asText());
        assertEquals("text_to_image", data.get("generationType").asText());
        assertEquals("A beautiful sunset over the ocean", data.get("prompt").asText());
        assertEquals("16:9", data.get("aspectRatio").asText());
        Instant createdAt = Instant.parse(data.get("createdAt").asText());
        assertTrue(data.get("createdAt").asText().endsWith("Z"));
        assertTrue(!createdAt.isBefore(before) && !createdAt.isAfter(Instant.now()));
    }

    @Test
    void aspectRatioDefaultsToAuto() {
        JsonNode data = sim.generate("{\"generationType\": \"text_to_image\", \"prompt\": \"a cat\"}").data();

        assertEquals("auto", data.get("aspectRatio").asText());
    }

    @Test
    void imageToImageWithAnImageUrlIsAccepted() {
        SimulatorHarness.Answer answer = sim
                .generate("{\"generationType\": \"image_to_image\", \"prompt\": \"as a painting\","
                        + " \"imageUrl\": \"https://example.com/cat.png\", \"imageKey\": \"r2-abc\", \"aspectRatio\": \"1:1\"}");

        assertEquals(0, answer.code(), answer.text());
        assertEquals("image_to_image", answer.data().get("generationType").asText());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"prompt\": \"x\"}                                                        | generationType",
            "{\"generationType\": \"sketch\", \"prompt\": \"x\"}                        | generationType",
            "{\"generationType\": \"text_to_image\"}                                    | prompt",
            "{\"generationType\": \"text_to_image\", \"prompt\": \"   \"}               | prompt",
            "{\"generationType\": \"text_to_image\", \"prompt\": 42}                    | prompt",
            "{\"generationType\": \"text_to_image\", \"prompt\": \"x\", \"aspectRatio\": \"4:3\"} | aspectRatio",
            "{\"generationType\": \"image_to_image\", \"prompt\": \"x\"}                 | imageUrl",
            "[1, 2]                                                                    | body",
            "not json at all                                                           | body",
    })
    void invalidRequestAnswers1000NamingTheField(String body, String field) {
        SimulatorHarness.Answer answer = sim.generate(body);

        assertEquals(1000, answer.code());
        String msg = answer.json().get("msg").asText();
        assertTrue(msg.startsWith("Invalid parameters: " + field), msg);
        assertEquals(0, sim.counters().get("generationsCreated").asInt());
    }

    @Test
    void emptyBodyAnswers1000() {
        assertEquals(1000, sim.generate(null).code());
    }

    @Test
    void insufficientCreditsAnswers1001WithRequiredAndCurrent() {
        sim.knobs("{\"credits\": 3, \"creditsPerGeneration\": 2}");
        assertEquals(0, sim.textToImage("first", "auto").code());

        SimulatorHarness.Answer answer = sim.textToImage("second", "auto");

        assertEquals(1001, answer.code());
        assertEquals("Insufficient credits", answer.json().get("msg").asText());
        assertEquals(2, answer.data().get("required").asInt());
        assertEquals(1, answer.data().get("current").asInt());
        assertEquals(1, sim.counters().get("generationsCreated").asInt());
    }

    @Test
    void eachGenerationSpendsItsCredits() {
        sim.knobs("{\"credits\": 10}");
        sim.newGeneration("one");
        sim.newGeneration("two");

        assertEquals(6, sim.get("/sim/knobs").json().get("credits").asInt());
    }
}
