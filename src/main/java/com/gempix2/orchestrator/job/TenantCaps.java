package com.gempix2.orchestrator.job;

import java.util.Map;

import com.gempix2.orchestrator.config.TenantConfig;

/** The per-tenant rules of {@link TenantConfig} that intake applies: who may send {@code high}, how many may queue. */
final class TenantCaps {

    private final TenantConfig config;

    TenantCaps(TenantConfig config) {
        this.config = config;
    }

    /**
     * Why {@code spec} is refused, or null when it may be queued; a request let in is counted in
     * {@code queuedByTenant} (the tenants' queued jobs, when {@code max-queued} is set).
     */
    Outcome refusal(JobSpec spec, Map<String, Long> queuedByTenant) {
        String tenant = tenantOf(spec);
        if (spec.priority() == Priority.HIGH && config.highPriority().isPresent()
                && !config.highPriority().get().contains(tenant)) {
            return Outcome.rejected(ErrorCodes.INVALID_PARAMETERS,
                    "priority: high is not allowed for this tenant (GEMPIX2_TENANTS_HIGH_PRIORITY)");
        }
        if (config.maxQueued().isPresent()) {
            long queued = queuedByTenant.getOrDefault(tenant, 0L);
            if (queued >= config.maxQueued().get()) {
                return Outcome.rejected(ErrorCodes.TENANT_OVER_CAP, "tenant: has " + queued
                        + " requests queued, as many as one tenant may (gempix2.tenants.max-queued); send it again "
                        + "later under a new requestId");
            }
            queuedByTenant.put(tenant, queued + 1);
        }
        return null;
    }

    static String tenantOf(JobSpec spec) {
        return spec.tenant() == null ? "default" : spec.tenant();
    }
}
