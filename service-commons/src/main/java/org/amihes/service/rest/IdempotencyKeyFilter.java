package org.amihes.service.rest;

import io.vertx.core.http.HttpServerRequest;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * One rule for an {@code Idempotency-Key} header on every endpoint of every service: sent, it must be a key
 * ({@link IdempotencyKey#optional}: 1 to 128 characters, not blank), else 400 before the resource runs. Read from the
 * raw request, because RESTEasy hands a header sent empty to a resource as if it had not been sent.
 */
public class IdempotencyKeyFilter {

    @ServerRequestFilter
    public void check(HttpServerRequest request) {
        String raw = request.getHeader(IdempotencyKey.HEADER);
        if (raw != null) {
            IdempotencyKey.optional(raw);
        }
    }
}
