package com.gempix2.orchestrator.provider;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The body of {@code POST /generate-image}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerateCommand(String generationType, String prompt, String aspectRatio, String imageUrl,
        String imageKey) {
}
