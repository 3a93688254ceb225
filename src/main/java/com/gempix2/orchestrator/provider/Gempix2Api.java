package com.gempix2.orchestrator.provider;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.client.api.ClientMultipartForm;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The Gempix2 HTTP API; answers are read whole, whatever their status, by {@link Gempix2Client}. */
@RegisterRestClient(configKey = "gempix2")
interface Gempix2Api {

    @POST
    @Path("/generate-image")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response generate(@HeaderParam("Authorization") String authorization, GenerateCommand command);

    @POST
    @Path("/upload-image-image")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    Response upload(@HeaderParam("Authorization") String authorization, ClientMultipartForm form);

    @GET
    @Path("/image-status/{uuid}")
    @Produces(MediaType.APPLICATION_JSON)
    Response status(@HeaderParam("Authorization") String authorization, @PathParam("uuid") String uuid);
}
