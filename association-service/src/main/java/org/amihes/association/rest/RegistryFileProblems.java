package org.amihes.association.rest;

import jakarta.ws.rs.core.Response;
import org.amihes.service.rest.Problem;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A registry file with bad records: 400, each bad record named by field and line, nothing imported. */
public class RegistryFileProblems {

    @ServerExceptionMapper
    public Response invalid(RegistryFileParser.Invalid e) {
        return Response.status(400).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(e.type(), e.getMessage(), e.errors())).build();
    }
}
