package com.gempix2.orchestrator.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VerdictTest {

    @Test
    void upstreamCodesMapToTheErrorTaxonomy() {
        assertEquals(Verdict.OK, Gempix2Client.classify(0));
        assertEquals(Verdict.INVALID, Gempix2Client.classify(1000));
        assertEquals(Verdict.NO_CREDITS, Gempix2Client.classify(1001));
        assertEquals(Verdict.AUTH_FAILED, Gempix2Client.classify(1002));
        assertEquals(Verdict.RATE_LIMITED, Gempix2Client.classify(1003));
        assertEquals(Verdict.SERVER_ERROR, Gempix2Client.classify(5000));
        assertEquals(Verdict.SERVER_ERROR, Gempix2Client.classify(4242), "an unknown code is retried, not trusted");
    }

    @Test
    void unknownStatusValuesAreNotTerminal() {
        var data = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("uuid", "u").put("status", "queued_for_gpu").put("progress", 10);
        GenerationStatus status = GenerationStatus.from(data);
        assertEquals(GenerationStatus.State.UNRECOGNISED, status.state());
        assertEquals(10, status.progress().getAsInt());
    }
}
