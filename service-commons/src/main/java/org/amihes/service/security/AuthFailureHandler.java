package org.amihes.service.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import org.amihes.service.rest.Problem;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A bearer token refused at the HTTP layer (proactive authentication: expired, another audience, a bad signature),
 * before any endpoint runs, answered as the same problem+json as the endpoints' 401 ({@link AuthProblems}) instead of
 * Quarkus' empty challenge.
 */
@ApplicationScoped
public class AuthFailureHandler {

    private final ObjectMapper json;
    private final String audience;

    public AuthFailureHandler(ObjectMapper json, @ConfigProperty(name = "hes.oidc.audience") String audience) {
        this.json = json;
        this.audience = audience;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::handle);
    }

    void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (!(failure instanceof AuthenticationFailedException || failure instanceof UnauthorizedException)
                || ctx.response().headWritten()) {
            ctx.next();
            return;
        }
        Problem problem = AuthProblems.unauthorized(ctx.request().getHeader(HttpHeaders.AUTHORIZATION), audience,
                Instant.now());
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(401).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader("WWW-Authenticate", AuthProblems.CHALLENGE).end(body);
    }
}
