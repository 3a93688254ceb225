package com.gempix2.orchestrator.quota;

import java.util.List;

/** Permits taken together: those granted, and why no more were ({@code denied}, null when all were granted). */
public record Permits(List<Permit.Granted> granted, Permit.Denied denied) {
}
