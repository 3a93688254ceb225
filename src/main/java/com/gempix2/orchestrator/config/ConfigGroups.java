package com.gempix2.orchestrator.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Hands each feature its group of {@link Gempix2Config}, so that it sees only its own settings. */
@ApplicationScoped
class ConfigGroups {

    private final Gempix2Config config;

    ConfigGroups(Gempix2Config config) {
        this.config = config;
    }

    @Produces
    @Singleton
    ProviderConfig provider() {
        return config.provider();
    }

    @Produces
    @Singleton
    QuotaConfig quota() {
        return config.quota();
    }

    @Produces
    @Singleton
    DispatchConfig dispatch() {
        return config.dispatch();
    }

    @Produces
    @Singleton
    SourceConfig source() {
        return config.source();
    }

    @Produces
    @Singleton
    WebhookConfig webhook() {
        return config.webhook();
    }

    @Produces
    @Singleton
    IntakeConfig intake() {
        return config.intake();
    }

    @Produces
    @Singleton
    OperatorConfig operator() {
        return config.operator();
    }

    @Produces
    @Singleton
    PollConfig poll() {
        return config.poll();
    }

    @Produces
    @Singleton
    ResultConfig results() {
        return config.results();
    }

    @Produces
    @Singleton
    RetentionConfig retention() {
        return config.retention();
    }

    @Produces
    @Singleton
    TenantConfig tenants() {
        return config.tenants();
    }
}
