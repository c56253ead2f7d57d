package org.amihes.service.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import org.amihes.service.rest.Problem;

/**
 * What a 401 or 403 answer says (RFC 9457 problem+json, types {@code urn:amihes:problem:unauthorized} and
 * {@code urn:amihes:problem:forbidden}): which credential is missing or why the token was refused, or which roles the
 * endpoint needs. quarkus-oidc has already decided (signature, issuer, expiry, audience); this only explains the
 * decision to the caller, reading the refused token's claims without trusting them.
 */
public final class AuthProblems {

    /** The challenge a 401 carries beside its body (RFC 6750). */
    public static final String CHALLENGE = "Bearer realm=\"ami\"";

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuthProblems() {
    }

    /**
     * 401: why the request's credentials were not accepted.
     *
     * @param authorization the request's Authorization header, or null
     * @param audience      the audience this service requires in a token ({@code aud})
     * @param now           the time the decision was taken
     */
    public static Problem unauthorized(String authorization, String audience, Instant now) {
        return Problem.of(Problem.Type.UNAUTHORIZED, reason(authorization, audience, now));
    }

    static String reason(String authorization, String audience, Instant now) {
        if (authorization == null || authorization.isBlank()) {
            return "no bearer token: send 'Authorization: Bearer <access token>' with a token of the realm ami "
                    + "(see README, Identity)";
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return "the Authorization header is not a bearer token: send 'Authorization: Bearer <access token>'";
        }
        JsonNode claims = claims(authorization.substring(7).strip());
        if (claims == null) {
            return "the bearer token is not a JWT access token of the realm ami";
        }
        if (claims.has("exp") && claims.get("exp").canConvertToLong()) {
            Instant exp = Instant.ofEpochSecond(claims.get("exp").asLong());
            if (!exp.isAfter(now)) {
                return "the token expired at " + exp + " (" + Duration.between(exp, now).toSeconds()
                        + " s ago): get a new one";
            }
        }
        List<String> aud = audiences(claims.path("aud"));
        if (!aud.contains(audience)) {
            return "wrong audience: the token's aud " + aud + " does not name " + audience + "; this service takes "
                    + "only tokens issued for it (a client of the realm must add " + audience + " to its tokens' "
                    + "audience, see README, Identity)";
        }
        return "the token's signature, issuer or validity did not verify against the realm's keys";
    }

    /** 403: the endpoint's roles, and the realm roles the caller's token holds. */
    public static Problem forbidden(Collection<String> needed, String actor, Collection<String> held) {
        List<String> realmRoles = held.stream().filter(Roles.ALL::contains).sorted().toList();
        return Problem.of(Problem.Type.FORBIDDEN, "this operation needs the role " + String.join(" or ", needed)
                + "; the token of " + actor + " holds " + (realmRoles.isEmpty() ? "no role of the realm ami"
                : "only " + realmRoles) + " (see README, Identity)");
    }

    private static JsonNode claims(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            return node != null && node.isObject() ? node : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static List<String> audiences(JsonNode aud) {
        List<String> out = new ArrayList<>();
        if (aud.isTextual()) {
            out.add(aud.asText());
        } else {
            aud.forEach(a -> out.add(a.asText()));
        }
        return out;
    }
}
