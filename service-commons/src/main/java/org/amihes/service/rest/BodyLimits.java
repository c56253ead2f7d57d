package org.amihes.service.rest;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The largest request body each endpoint takes, answered with 413 and a {@link Problem.Type#PAYLOAD_TOO_LARGE}
 * problem before any of the body is read. Limits are set per service: {@code hes.http.body-limit} for every endpoint,
 * {@code hes.http.body-limits."/meters/import"=64M} for one path, whatever the method (path parameters as
 * {@code {name}}, e.g. {@code "/meters/{id}/notes"}).
 * The declared {@code Content-Length} is checked here; a chunked body ({@code Transfer-Encoding: chunked}, no length) is
 * read here as it comes, and refused the same way as soon as it passes the endpoint's limit (then handed on whole, as
 * a body handler would). {@code quarkus.http.limits.max-body-size}, each service's largest endpoint limit, stays the
 * bound of anything else.
 */
@ApplicationScoped
public class BodyLimits {

    @ConfigMapping(prefix = "hes.http")
    public interface Config {
        /** Every endpoint's body limit unless {@link #bodyLimits()} names the endpoint. */
        @WithDefault("64K")
        MemorySize bodyLimit();

        /** Limits of single paths, keyed {@code "/path/{param}"}. */
        Map<String, MemorySize> bodyLimits();
    }

    private record Limit(Pattern path, long bytes) {
    }

    private final List<Limit> limits = new ArrayList<>();
    private final long defaultLimit;

    public BodyLimits(Config config) {
        this.defaultLimit = config.bodyLimit().asLongValue();
        config.bodyLimits().forEach((path, size) -> {
            String regex = java.util.Arrays.stream(path.trim().split("/", -1))
                    .map(part -> part.matches("\\{[^}/]+}") ? "[^/]+" : Pattern.quote(part))
                    .collect(java.util.stream.Collectors.joining("/"));
            limits.add(new Limit(Pattern.compile(regex), size.asLongValue()));
        });
    }

    /** The limit of one request, by its path. */
    public long limitOf(String path) {
        for (Limit l : limits) {
            if (l.path().matcher(path).matches()) {
                return l.bytes();
            }
        }
        return defaultLimit;
    }

    void install(@Observes Router router) {
        // before Quarkus' own max-body-size check, which answers 413 without a body
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    private void check(RoutingContext rc) {
        String declared = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = -1;
            }
            long limit = limitOf(rc.normalizedPath());
            if (length > limit) {
                refuse(rc, "the body has " + length + " bytes", limit);
                return;
            }
        } else if (isChunked(rc.request())) {
            readChunked(rc, limitOf(rc.normalizedPath()));
            return;
        }
        rc.next();
    }

    private static boolean isChunked(HttpServerRequest request) {
        String te = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
        return te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked");
    }

    /**
     * Reads a body of unknown length up to {@code limit} bytes: over it, 413 at once (the rest is not read, the connection
     * closed); within it, the whole body is the request's body for the endpoint, as a body handler leaves it.
     */
    private static void readChunked(RoutingContext rc, long limit) {
        HttpServerRequest request = rc.request();
        Buffer body = Buffer.buffer();
        // once refused, the response is ended: the rest of the body is dropped and the endpoint never called
        request.handler(chunk -> {
            if (rc.response().ended()) {
                return;
            }
            if (body.length() + (long) chunk.length() > limit) {
                refuse(rc, "the chunked body passed " + limit + " bytes", limit);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> {
            if (!rc.response().ended()) {
                rc.setBody(body);
                rc.next();
            }
        });
        request.exceptionHandler(e -> {
            if (!rc.response().ended()) {
                rc.fail(e);
            }
        });
        request.resume(); // the router holds requests paused until a handler reads them
    }

    private static void refuse(RoutingContext rc, String what, long limit) {
        Problem problem = Problem.of(Problem.Type.PAYLOAD_TOO_LARGE, what + "; " + rc.request().method().name() + " "
                + rc.normalizedPath() + " takes at most " + limit + " bytes",
                List.of(new Problem.FieldError("$", "at most " + limit + " bytes")));
        rc.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close") // the body is not read: the connection cannot be reused
                .end(io.vertx.core.json.Json.encode(problem));
    }
}
