package com.gempix2.orchestrator.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** What GEMPIX2_OPERATOR_TOKENS accepts, and what a token gives its holder. */
class OperatorCredentialsTest {

    @Test
    void aTokenGivesItsHolderTheEntrysNameAndRoles() {
        OperatorCredentials credentials = OperatorCredentials.parse(List.of("alice:operator:secret-of-alice-0001",
                " grafana:viewer:secret:with:colons ", ""));
        assertEquals(2, credentials.size());
        assertEquals(new OperatorCredentials.Holder("alice", Set.of("viewer", "operator")),
                credentials.holderOf("secret-of-alice-0001").orElseThrow());
        assertEquals(Set.of("viewer"), credentials.holderOf("secret:with:colons").orElseThrow().roles());
        assertTrue(credentials.holderOf("secret-of-alice-000").isEmpty());
        assertTrue(credentials.holderOf("").isEmpty());
        assertTrue(OperatorCredentials.parse(List.of()).isEmpty());
    }

    @Test
    void aMalformedEntryStopsTheStartWithoutShowingItsSecret() {
        String secret = "Zm9vYmFyYmF6cXV4cXV1eA";
        for (String entry : new String[]{secret, "alice:admin:" + secret, "al ice:viewer:" + secret,
                "alice:viewer:" + " ".repeat(20) + "short", secret + ":alice:operator",
                "bob2:operator:secret-of-bob-00001"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> OperatorCredentials.parse(List.of("bob:viewer:secret-of-bob-00001", entry)), entry);
            assertTrue(refused.getMessage().startsWith("GEMPIX2_OPERATOR_TOKENS entry 2"), refused.getMessage());
            assertFalse(refused.getMessage().contains(secret) || refused.getMessage().contains("short")
                    || refused.getMessage().contains("secret-of"), refused.getMessage());
        }
    }
}
