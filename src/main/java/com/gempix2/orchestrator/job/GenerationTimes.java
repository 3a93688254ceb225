package com.gempix2.orchestrator.job;

import java.time.Duration;

/** How long generations of one kind have taken lately: a typical and a high quantile, over {@code samples}. */
public record GenerationTimes(Duration typical, Duration high, long samples) {
}
