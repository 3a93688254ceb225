package com.gempix2.orchestrator.webhook;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ImageHostsTest {

    private final ImageHosts hosts = new ImageHosts(List.of("cdn.gempix2ai.site", ".r2.dev"));

    @Test
    void aConfiguredHostAndItsSubdomainsAreAllowed() {
        assertTrue(hosts.allows("https://cdn.gempix2ai.site/a.png"));
        assertTrue(hosts.allows("https://eu.cdn.gempix2ai.site/a.png"));
        assertTrue(hosts.allows("https://bucket.R2.dev/a.png"));
    }

    @Test
    void lookalikeHostsAreNot() {
        assertFalse(hosts.allows("https://evilcdn.gempix2ai.site.attacker.example/a.png"));
        assertFalse(hosts.allows("https://notr2.dev/a.png"));
        assertFalse(hosts.allows("https://attacker.example/cdn.gempix2ai.site/a.png"));
    }

    @Test
    void noListAllowsAnyHost() {
        assertTrue(new ImageHosts(List.of()).allows("https://anything.example/a.png"));
    }
}
