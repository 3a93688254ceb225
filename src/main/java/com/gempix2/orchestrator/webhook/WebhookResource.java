package com.gempix2.orchestrator.webhook;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The public receiver of Gempix2's {@code images.completed} / {@code images.failed} webhooks, at
 * {@code POST /webhooks/gempix2?token=SECRET}. {@link WebhookGate} checks the token before the body is
 * read; {@link WebhookService} does the rest. Open to anyone (the token is the webhook's credential), where every
 * other resource is denied unless it says otherwise.
 */
@Path(WebhookGate.PATH)
@PermitAll
public class WebhookResource {

    private final WebhookService service;

    WebhookResource(WebhookService service) {
        this.service = service;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(@QueryParam("token") String token, @Context HttpHeaders headers, byte[] body) {
        // The token was checked by WebhookGate; it is declared here for the OpenAPI document, never used or logged.
        WebhookService.Receipt receipt = service.receive(headers.getRequestHeaders(),
                headers.getHeaderString(HttpHeaders.CONTENT_TYPE), body);
        return Response.status(receipt.httpStatus()).entity(receipt).build();
    }
}
