package com.gempix2.orchestrator.job;

/**
 * A webhook that passed every check of the receiver.
 *
 * @param deliveryId the Standard Webhooks {@code webhook-id} of a signed webhook, else null
 * @param confirm the completion must be re-read from Gempix2 before it is published
 */
public record IncomingWebhook(String uuid, Outcome outcome, String deliveryId, boolean confirm) {
}
