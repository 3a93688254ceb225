package com.gempix2.orchestrator.admin;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.gempix2.orchestrator.config.OperatorConfig;

import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Quarkus security for the operator API: an {@code Authorization: Bearer} token is one of
 * {@code GEMPIX2_OPERATOR_TOKENS}, and its holder has that entry's name and roles. No token leaves the caller
 * anonymous, so that {@code @RolesAllowed} refuses it; a wrong one fails authentication. Both are answered 401.
 * Made at startup, so that a missing credential is said then, not at the first call.
 */
@ApplicationScoped
@Startup
public class OperatorTokens implements HttpAuthenticationMechanism, IdentityProvider<TokenAuthenticationRequest> {

    private static final String SCHEME = "Bearer";

    private final OperatorCredentials credentials;

    OperatorTokens(OperatorConfig config) {
        this.credentials = OperatorCredentials.parse(config.tokens().orElse(List.of()));
        if (credentials.isEmpty()) {
            Log.warnf("GEMPIX2_OPERATOR_TOKENS is not set: the operator API (port %d) refuses every call with 401",
                    config.port());
        } else {
            Log.infof("Operator API: %d credential(s) configured", credentials.size());
        }
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1)) {
            return Uni.createFrom().optional(Optional.empty());
        }
        TokenCredential token = new TokenCredential(header.substring(SCHEME.length() + 1).trim(), SCHEME);
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                new TokenAuthenticationRequest(token), context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, HttpHeaders.WWW_AUTHENTICATE, SCHEME));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request,
            AuthenticationRequestContext context) {
        return credentials.holderOf(request.getToken().getToken())
                .map(holder -> Uni.createFrom().<SecurityIdentity>item(QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(holder.name())).addRoles(holder.roles()).build()))
                .orElseGet(() -> Uni.createFrom().failure(new AuthenticationFailedException("wrong operator token")));
    }
}
