package com.gempix2.orchestrator.http;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The table from exceptions to HTTP answers: one body shape, never a stack trace or a class name. */
public class ApiExceptionMappers {

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return answer(e.status(), e.code(), e.getMessage());
    }

    /** No credential where one is needed. */
    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e) {
        return unauthorized();
    }

    /** A credential that is not one of the configured ones. */
    @ServerExceptionMapper
    public Response wrongCredential(AuthenticationFailedException e) {
        return unauthorized();
    }

    /** A credential whose role may not do this. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return answer(403, "forbidden", "this token's role may not do that");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 400 -> "bad-request";
            case 401 -> "unauthorized";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            default -> "http-" + status;
        };
        return answer(status, code, e.getResponse().getStatusInfo().getReasonPhrase());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        Log.error("Unexpected failure answering an HTTP request", e);
        return answer(500, "internal-error", "internal error");
    }

    private static Response unauthorized() {
        return Response.fromResponse(answer(401, "unauthorized", "missing or wrong operator token"))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    private static Response answer(int status, String code, String message) {
        return Response.status(status).entity(new ApiError(code, message)).type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }
}
