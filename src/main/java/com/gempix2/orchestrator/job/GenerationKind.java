package com.gempix2.orchestrator.job;

import java.util.List;
import java.util.Set;

/** What Gempix2 is asked to make, as far as it decides how long the making takes: the type and the aspect ratio. */
public record GenerationKind(String generationType, String aspectRatio) {

    public static final Set<String> TYPES = Set.of("text_to_image", "image_to_image");
    public static final Set<String> ASPECT_RATIOS = Set.of("auto", "16:9", "9:16", "1:1");

    /** Every kind a valid request can ask for. */
    public static final List<GenerationKind> ALL = TYPES.stream().sorted()
            .flatMap(type -> ASPECT_RATIOS.stream().sorted().map(ratio -> new GenerationKind(type, ratio)))
            .toList();
}
