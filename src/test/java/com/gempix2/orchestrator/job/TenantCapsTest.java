package com.gempix2.orchestrator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.gempix2.orchestrator.config.TenantConfig;

class TenantCapsTest {

    record Config(Optional<Integer> maxQueued, Optional<Integer> maxInFlight, Optional<List<String>> highPriority)
            implements
                TenantConfig {
    }

    private static JobSpec spec(String tenant, Priority priority) {
        return new JobSpec("r-" + tenant, null, "hash", "text_to_image", "a cat", "auto", null, null, priority, tenant,
                null, null, null);
    }

    @Test
    void withoutCapsEveryRequestIsLetIn() {
        TenantCaps caps = new TenantCaps(new Config(Optional.empty(), Optional.empty(), Optional.empty()));
        assertNull(caps.refusal(spec("a", Priority.HIGH), new HashMap<>()));
    }

    @Test
    void onlyTheListedTenantsMaySendHigh() {
        TenantCaps caps = new TenantCaps(new Config(Optional.empty(), Optional.empty(), Optional.of(List.of("vip"))));
        assertNull(caps.refusal(spec("vip", Priority.HIGH), new HashMap<>()));
        assertNull(caps.refusal(spec("other", Priority.NORMAL), new HashMap<>()));
        Outcome refused = caps.refusal(spec("other", Priority.HIGH), new HashMap<>());
        assertEquals(JobStatus.REJECTED, refused.status());
        assertEquals(ErrorCodes.INVALID_PARAMETERS, refused.errorCode());
        assertTrue(refused.errorMessage().startsWith("priority:"), refused.errorMessage());
    }

    @Test
    void aTenantAtItsQueuedCapIsRefusedAndTheOthersCountOnTheirOwn() {
        TenantCaps caps = new TenantCaps(new Config(Optional.of(2), Optional.empty(), Optional.empty()));
        Map<String, Long> queued = new HashMap<>(Map.of("busy", 1L));
        assertNull(caps.refusal(spec("busy", Priority.NORMAL), queued), "the second of two");
        Outcome third = caps.refusal(spec("busy", Priority.NORMAL), queued);
        assertEquals(ErrorCodes.TENANT_OVER_CAP, third.errorCode());
        assertTrue(third.errorMessage().startsWith("tenant: has 2 requests queued"), third.errorMessage());
        assertNull(caps.refusal(spec("calm", Priority.NORMAL), queued));
        assertEquals(Map.of("busy", 2L, "calm", 1L), queued);
    }
}
