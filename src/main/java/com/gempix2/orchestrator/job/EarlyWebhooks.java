package com.gempix2.orchestrator.job;

import java.util.Optional;

/**
 * Webhooks that came before the submit answer that names their uuid, kept by the webhook receiver until that
 * answer is stored. Runs inside the caller's transaction, under the uuid's lock.
 */
public interface EarlyWebhooks {

    /** Removes the webhook that came early for {@code uuid}, if one did, and gives it. */
    Optional<IncomingWebhook> take(String uuid);
}
