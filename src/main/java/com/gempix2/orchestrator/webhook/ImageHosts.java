package com.gempix2.orchestrator.webhook;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/** The hosts a completion's imageUrl may point to: each configured suffix and its subdomains; none configured, any. */
final class ImageHosts {

    private final List<String> suffixes;

    ImageHosts(List<String> suffixes) {
        this.suffixes = suffixes.stream()
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .map(s -> s.startsWith(".") ? s.substring(1) : s)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    boolean allows(String url) {
        if (suffixes.isEmpty()) {
            return true;
        }
        String host = URI.create(url).getHost();
        if (host == null) {
            return false;
        }
        String lower = host.toLowerCase(Locale.ROOT);
        return suffixes.stream().anyMatch(s -> lower.equals(s) || lower.endsWith("." + s));
    }
}
