package org.amihes.service.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.List;
import org.amihes.service.rest.Problem;
import org.amihes.service.rest.ProblemMappers;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * 401 and 403 of the JAX-RS endpoints as problem+json ({@link AuthProblems}): no token on an endpoint that needs one,
 * a token that did not verify, a token without the endpoint's role. {@link AuthFailureHandler} answers the same for a
 * token refused before any endpoint is reached.
 */
public class AuthProblemMappers {

    @Inject
    SecurityIdentity identity;

    @Inject
    Actor actor;

    @ConfigProperty(name = "hes.oidc.audience")
    String audience;

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, HttpHeaders headers) {
        return unauthorized(headers.getHeaderString(HttpHeaders.AUTHORIZATION));
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, HttpHeaders headers) {
        return unauthorized(headers.getHeaderString(HttpHeaders.AUTHORIZATION));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, SimpleResourceInfo resource) {
        return ProblemMappers.respond(AuthProblems.forbidden(rolesOf(resource), actor.name(), identity.getRoles()));
    }

    private Response unauthorized(String authorization) {
        Problem problem = AuthProblems.unauthorized(authorization, audience, Instant.now());
        return Response.status(401).type(Problem.MEDIA_TYPE).header(HttpHeaders.WWW_AUTHENTICATE, AuthProblems.CHALLENGE)
                .entity(problem).build();
    }

    /** The roles of the endpoint's {@code @RolesAllowed} (method, else class). */
    static List<String> rolesOf(SimpleResourceInfo resource) {
        if (resource == null || resource.getResourceClass() == null) {
            return List.of("(unknown)");
        }
        for (Class<?> c = resource.getResourceClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                Method m = c.getDeclaredMethod(resource.getMethodName(), resource.parameterTypes());
                RolesAllowed roles = m.getAnnotation(RolesAllowed.class);
                if (roles == null) {
                    roles = c.getAnnotation(RolesAllowed.class);
                }
                if (roles != null) {
                    return List.of(roles.value());
                }
            } catch (NoSuchMethodException e) {
                // declared higher up
            }
        }
        RolesAllowed onClass = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        return onClass == null ? List.of("(none: the endpoint is denied to everybody)") : List.of(onClass.value());
    }
}
