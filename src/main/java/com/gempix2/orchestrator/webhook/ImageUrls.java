package com.gempix2.orchestrator.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

import com.gempix2.orchestrator.config.Gempix2Config;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The rules every imageUrl from Gempix2 must keep before it goes into a result, whatever path it came by (webhook,
 * poll, confirmation, upload answer): an absolute https URL (http only with {@code GEMPIX2_ALLOW_HTTP}) of at most
 * 4096 characters, on a host of {@code GEMPIX2_WEBHOOK_IMAGE_HOSTS} when that is set.
 */
@ApplicationScoped
public class ImageUrls {

    static final int MAX_LENGTH = 4096;

    private final boolean allowHttp;
    private final ImageHosts hosts;
    private final MeterRegistry registry;

    ImageUrls(Gempix2Config config, MeterRegistry registry) {
        this.allowHttp = config.allowHttp();
        this.hosts = new ImageHosts(config.webhook().webhookImageHosts().orElse(List.of()));
        this.registry = registry;
    }

    /** Whether plain-http URLs are accepted ({@code gempix2.allow-http}). */
    boolean allowsHttp() {
        return allowHttp;
    }

    /** What is wrong with {@code url} (starting with {@code imageUrl:}), or null when it may be used. */
    public String problem(String url) {
        String format = formatProblem(url, allowHttp);
        if (format != null) {
            return format;
        }
        return hosts.allows(url) ? null : "imageUrl: host is not on GEMPIX2_WEBHOOK_IMAGE_HOSTS";
    }

    /**
     * {@link #problem}, counted as an upstream answer refused ({@code gempix2_upstream_answers_refused_total{field}})
     * when there is one; {@code via} names the path for the log.
     */
    public String refuse(String url, String via) {
        String problem = problem(url);
        if (problem != null) {
            registry.counter("gempix2.upstream.answers.refused", "field", "imageUrl", "via", via).increment();
        }
        return problem;
    }

    /** The format rules alone: what a webhook is answered 400 for. */
    static String formatProblem(String value, boolean allowHttp) {
        if (value == null || value.isBlank()) {
            return "imageUrl: required";
        }
        if (value.length() > MAX_LENGTH) {
            return "imageUrl: longer than " + MAX_LENGTH + " characters";
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean schemeOk = scheme.equals("https") || (allowHttp && scheme.equals("http"));
            return schemeOk && uri.getHost() != null ? null : "imageUrl: must be an absolute https URL";
        } catch (URISyntaxException e) {
            return "imageUrl: not a URL";
        }
    }
}
