package com.gempix2.orchestrator.simulator;

import java.util.Arrays;
import java.util.Optional;

/** The three Gempix2 API endpoints, by the names the control API and the counters use. */
enum Endpoint {

    GENERATE("generate"), STATUS("status"), UPLOAD("upload");

    private final String wireName;

    Endpoint(String wireName) {
        this.wireName = wireName;
    }

    String wireName() {
        return wireName;
    }

    static Optional<Endpoint> fromWireName(String name) {
        return Arrays.stream(values()).filter(e -> e.wireName.equals(name)).findFirst();
    }
}
