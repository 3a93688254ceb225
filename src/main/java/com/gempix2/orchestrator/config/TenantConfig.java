package com.gempix2.orchestrator.config;

import java.util.List;
import java.util.Optional;

/** Optional caps that keep one tenant from taking more than its share; none set, none applies. */
public interface TenantConfig {

    /** Requests one tenant may have queued; past it a request is {@code rejected} with 9006. */
    Optional<Integer> maxQueued();

    /** Jobs of one tenant submitted and awaiting their outcome at once; past it its queued jobs wait. */
    Optional<Integer> maxInFlight();

    /** The tenants that may send {@code priority: high}; others' are {@code rejected} naming priority. */
    Optional<List<String>> highPriority();
}
