package com.gempix2.orchestrator.http;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Meter descriptions that every Prometheus text parser accepts. The Prometheus client escapes a double quote
 * in a HELP line as {@code \"}, which the text format 0.0.4 does not allow: promtool, Telegraf and New Relic
 * then refuse the whole scrape (Micrometer issue 3242; the JVM's CPU meters have quotes in their descriptions).
 */
class ScrapeSafeDescriptions {

    @Produces
    @Singleton
    MeterFilter noQuotesInDescriptions() {
        return new MeterFilter() {

            @Override
            public Meter.Id map(Meter.Id id) {
                String description = id.getDescription();
                if (description == null || description.indexOf('"') < 0) {
                    return id;
                }
                return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(),
                        description.replace('"', '\''), id.getType());
            }
        };
    }
}
