package org.amihes.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.amihes.service.rest.Problem;
import org.junit.jupiter.api.Test;

/**
 * The explanation of a refused token (pure logic on the token's claims; the decision itself is quarkus-oidc's, checked
 * against the real Keycloak by each service's AuthMatrixTest) and the actor rule.
 */
class AuthProblemsTest {

    static final Instant NOW = Instant.parse("2026-12-05T21:00:00Z");

    static String bearer(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return "Bearer " + b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    @Test
    void eachRefusalSaysWhy() {
        Problem none = AuthProblems.unauthorized(null, "polling-service", NOW);
        assertThat(none.type()).isEqualTo("urn:amihes:problem:unauthorized");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.title()).isEqualTo("Unauthorized");
        assertThat(none.detail()).startsWith("no bearer token");
        assertThat(AuthProblems.reason("Basic YTpi", "polling-service", NOW)).contains("not a bearer token");
        assertThat(AuthProblems.reason("Bearer abc", "polling-service", NOW)).contains("not a JWT");
        // exp is 2026-12-05T20:59:50Z: ten seconds before NOW
        assertThat(AuthProblems.reason(bearer("{\"exp\":1796504390,\"aud\":\"polling-service\"}"), "polling-service",
                NOW)).isEqualTo("the token expired at 2026-12-05T20:59:50Z (10 s ago): get a new one");
        assertThat(AuthProblems.reason(bearer("{\"exp\":1796508000,\"aud\":[\"security-service\",\"account\"]}"),
                "polling-service", NOW)).startsWith("wrong audience: the token's aud [security-service, account] "
                + "does not name polling-service");
        assertThat(AuthProblems.reason(bearer("{\"exp\":1796508000}"), "polling-service", NOW))
                .startsWith("wrong audience: the token's aud [] does not name polling-service");
        assertThat(AuthProblems.reason(bearer("{\"exp\":1796508000,\"aud\":\"polling-service\"}"), "polling-service",
                NOW)).contains("signature");
    }

    @Test
    void aForbiddenAnswerNamesTheRolesNeededAndTheRealmRolesHeld() {
        Problem p = AuthProblems.forbidden(List.of("operator"), "viewer",
                List.of("viewer", "offline_access", "default-roles-ami"));
        assertThat(p.type()).isEqualTo("urn:amihes:problem:forbidden");
        assertThat(p.status()).isEqualTo(403);
        assertThat(p.detail()).isEqualTo("this operation needs the role operator; the token of viewer holds only "
                + "[viewer] (see README, Identity)");
        assertThat(AuthProblems.forbidden(List.of("key-consumer"), "nobody", List.of("offline_access")).detail())
                .contains("holds no role of the realm ami");
    }

    @Test
    void thePersonIsTheUserNameAndAServiceItsClient() {
        assertThat(Actor.of("operator", "hes-cli", "operator")).isEqualTo("operator");
        // Keycloak's user of a client-credentials token is service-account-<client>
        assertThat(Actor.of("service-account-association-service", "association-service",
                "service-account-association-service")).isEqualTo("association-service");
        assertThat(Actor.of(null, null, "service-account-polling-service")).isEqualTo("service-account-polling-service");
        assertThat(Actor.of("service-account-polling-service", null, "x")).isEqualTo("polling-service");
    }
}
