package com.gempix2.orchestrator.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How a {@link Gempix2Simulator} is started: where it listens, which API keys it accepts, the base URL it puts
 * into image URLs, and the knob values it starts with (and returns to on reset).
 *
 * @param host address to bind
 * @param port port to bind; 0 picks a free one
 * @param apiKeys accepted Bearer keys
 * @param publicBaseUrl base of the URLs handed out for images; empty means {@code http://host:port}
 * @param knobs initial knob values
 */
public record SimulatorSettings(String host, int port, Set<String> apiKeys, Optional<String> publicBaseUrl,
        Knobs knobs) {

    /** Prefix of every configuration property the simulator reads. */
    public static final String PREFIX = "gempix2.simulator.";

    public SimulatorSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        apiKeys = Set.copyOf(apiKeys);
        if (apiKeys.isEmpty()) {
            throw new IllegalArgumentException("apiKeys must not be empty");
        }
        publicBaseUrl = publicBaseUrl.map(SimulatorSettings::withoutTrailingSlash).filter(url -> !url.isBlank());
        if (knobs == null) {
            throw new IllegalArgumentException("knobs must not be null");
        }
    }

    /** 127.0.0.1:8090, key "sim-key", default knobs. */
    public static SimulatorSettings defaults() {
        return new SimulatorSettings("127.0.0.1", 8090, Set.of("sim-key"), Optional.empty(), Knobs.defaults());
    }

    /**
     * The defaults overridden by whatever {@code lookup} knows of: {@code gempix2.simulator.host}, {@code .port},
     * {@code .api-keys} (comma separated), {@code .public-base-url}, and every knob under its kebab-case name
     * ({@code .rate-limit}, {@code .window-seconds}, {@code .pending-millis}, {@code .webhook-url}, {@code .credits}, ...).
     *
     * @throws IllegalArgumentException naming the property whose value is unusable
     */
    public static SimulatorSettings fromLookup(Function<String, Optional<String>> lookup) {
        SimulatorSettings defaults = defaults();
        String host = lookup.apply(PREFIX + "host").orElse(defaults.host());
        int port = lookup.apply(PREFIX + "port").map(value -> parsePort(value.strip())).orElse(defaults.port());
        Set<String> apiKeys = lookup.apply(PREFIX + "api-keys")
                .map(value -> Arrays.stream(value.split(",")).map(String::strip).filter(key -> !key.isEmpty())
                        .collect(Collectors.toSet()))
                .orElse(defaults.apiKeys());
        Optional<String> publicBaseUrl = lookup.apply(PREFIX + "public-base-url");
        Knobs knobs = defaults.knobs();
        for (String knob : Knobs.NAMES) {
            String property = PREFIX + kebabCase(knob);
            Optional<String> value = lookup.apply(property);
            if (value.isPresent()) {
                ObjectNode change = SimulatorJson.MAPPER.createObjectNode().put(knob, value.get().strip());
                try {
                    knobs = knobs.with(change);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(property + "=" + value.get() + ": " + e.getMessage(), e);
                }
            }
        }
        return new SimulatorSettings(host, port, apiKeys, publicBaseUrl, knobs);
    }

    /** {@code rateLimit} becomes {@code rate-limit}. */
    static String kebabCase(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + "port=" + value + ": not a port number", e);
        }
    }

    private static String withoutTrailingSlash(String url) {
        String trimmed = url.strip();
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
