package org.amihes.service.security;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who is calling, for audit logs, key events and a job's {@code requestedBy}: taken from the verified bearer token,
 * never from a header the caller chooses (an {@code X-Actor} header is ignored). A person is their
 * {@code preferred_username}; a service (client credentials, whose user is Keycloak's
 * {@code service-account-<client>}) is its client id ({@code azp}).
 */
@ApplicationScoped
public class Actor {

    static final String SERVICE_ACCOUNT = "service-account-";

    private final SecurityIdentity identity;

    public Actor(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The caller of the current request. */
    public String name() {
        if (identity.isAnonymous()) {
            return "anonymous";
        }
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            return of(token.getClaim("preferred_username"), token.getClaim("azp"), token.getName());
        }
        return identity.getPrincipal().getName();
    }

    /** The rule, on a token's claims: a person's user name, else the client the token was issued to. */
    static String of(Object preferredUsername, Object authorizedParty, String principal) {
        String user = preferredUsername == null ? null : preferredUsername.toString();
        if (user != null && !user.isBlank() && !user.startsWith(SERVICE_ACCOUNT)) {
            return user;
        }
        if (authorizedParty != null && !authorizedParty.toString().isBlank()) {
            return authorizedParty.toString();
        }
        return user != null && user.startsWith(SERVICE_ACCOUNT) ? user.substring(SERVICE_ACCOUNT.length()) : principal;
    }
}
