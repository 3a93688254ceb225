package com.gempix2.orchestrator.webhook;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The public receiver of Gempix2's {@code images.completed} / {@code images.failed} webhooks.
 * Decodes and authenticates; {@link WebhookService} does the rest.
 */
@Path("/webhooks/gempix2")
public class WebhookResource {

    private final WebhookService service;

    WebhookResource(WebhookService service) {
        this.service = service;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(@QueryParam("token") String token, @HeaderParam("Content-Type") String contentType,
            byte[] body) {
        WebhookService.Receipt receipt = service.receive(token, contentType, body);
        return Response.status(receipt.httpStatus()).entity(receipt).build();
    }
}
