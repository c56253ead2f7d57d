package org.amihes.service.security;

import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.OidcClients;
import io.quarkus.oidc.client.runtime.OidcClientConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This service's own access tokens (OAuth2 client credentials with its confidential client of the realm), for the
 * REST calls it makes to another service. Non-blocking; a token is reused until {@code hes.oidc.renew-before} its
 * expiry (a token valid when sent can wait in queues and reach the other service expired), fetched once however many
 * callers ask at that moment, and dropped when the other service refuses it ({@link #refused}). The secret comes
 * from a file (hes.oidc.client-secret-file,
 * HES_OIDC_CLIENT_SECRET_FILE) or the environment (HES_OIDC_CLIENT_SECRET), never from git.
 */
@ApplicationScoped
public class ClientCredentials {

    /** Where the client secret comes from (and the other hes.oidc settings). */
    @ConfigMapping(prefix = "hes.oidc")
    public interface Secret {
        /** A file holding the secret (wins). */
        Optional<Path> clientSecretFile();

        Optional<String> clientSecret();

        /** The audience a token must name to be accepted here (quarkus.oidc.token.audience). */
        String audience();

        /** Whether the start fails without a secret (the prod profile: ProductionSecrets). */
        @io.smallrye.config.WithDefault("false")
        boolean requireClientSecret();

        /** How long before its expiry a token is renewed (at most half its lifetime). */
        @io.smallrye.config.WithDefault("60s")
        Duration renewBefore();
    }

    private final OidcClients clients;
    private final String authServerUrl;
    private final String clientId;
    private final Secret secret;
    private final RenewingToken token;
    private volatile Uni<OidcClient> client;

    public ClientCredentials(OidcClients clients, Secret secret,
            @ConfigProperty(name = "quarkus.oidc.auth-server-url") String authServerUrl,
            @ConfigProperty(name = "quarkus.oidc.client-id") String clientId) {
        this.clients = clients;
        this.secret = secret;
        this.authServerUrl = authServerUrl;
        this.clientId = clientId;
        this.token = new RenewingToken(() -> client().flatMap(OidcClient::getTokens).map(t -> new RenewingToken.Token(
                t.getAccessToken(), System.currentTimeMillis() / 1000,
                t.getAccessTokenExpiresAt() == null ? Long.MAX_VALUE : t.getAccessTokenExpiresAt())),
                secret.renewBefore(), () -> System.currentTimeMillis() / 1000);
    }

    /** Whether a secret is configured: without one this service calls others with no token (and is refused). */
    public boolean configured() {
        return secret.clientSecretFile().isPresent() || secret.clientSecret().filter(s -> !s.isBlank()).isPresent();
    }

    /** A valid access token of this service's client. */
    public Uni<String> accessToken() {
        return token.get();
    }

    /** The other service answered 401 to {@code accessToken}: the next call gets a new token. */
    public void refused(String accessToken) {
        token.refused(accessToken);
    }

    /**
     * Fails, naming the settings, when no secret is configured or its file cannot be read: production calls it at
     * start (ProductionSecrets), so a missing secret stops the service instead of falling back to anything.
     */
    public void requireSecret() {
        if (readSecret().isBlank()) {
            throw new IllegalStateException("the OIDC client secret of " + clientId + " is empty (" + secret
                    .clientSecretFile().map(f -> "file " + f + ", HES_OIDC_CLIENT_SECRET_FILE").orElse(
                            "HES_OIDC_CLIENT_SECRET") + ")");
        }
    }

    /** Whether the prod profile requires a secret at start. */
    public boolean secretRequired() {
        return secret.requireClientSecret();
    }

    public String clientId() {
        return clientId;
    }

    private Uni<OidcClient> client() {
        Uni<OidcClient> c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    OidcClientConfig config = OidcClientConfig.authServerUrl(authServerUrl).id(clientId)
                            .clientId(clientId).credentials(readSecret()).grant(OidcClientConfig.Grant.Type.CLIENT)
                            .build();
                    // memoised: one client, made on first use (Keycloak may still be starting when the service is); a
                    // failure is not kept, the next call tries again
                    client = clients.newClient(config).onFailure().invoke(e -> client = null).memoize().indefinitely();
                }
                c = client;
            }
        }
        return c;
    }

    private String readSecret() {
        if (secret.clientSecretFile().isPresent()) {
            Path file = secret.clientSecretFile().get();
            try {
                return Files.readString(file).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the OIDC client secret of " + clientId + " from " + file
                        + " (hes.oidc.client-secret-file)", e);
            }
        }
        return secret.clientSecret().filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalStateException(
                "no OIDC client secret for " + clientId + ": set HES_OIDC_CLIENT_SECRET_FILE (a file holding "
                + "it) or HES_OIDC_CLIENT_SECRET; production (profile prod) has no development default"));
    }
}
