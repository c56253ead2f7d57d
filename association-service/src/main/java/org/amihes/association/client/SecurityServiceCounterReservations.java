package org.amihes.association.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import org.amihes.association.domain.InvocationCounterWindows;
import org.amihes.association.domain.InvocationCounterWindows.Window;

/**
 * Reserves invocation counter windows from security-service ({@code POST
 * /meters/{meterId}/invocation-counters/{keyId}/reservations}), which keeps them in PostgreSQL. Non-blocking: a
 * reservation runs on the calling event loop.
 */
public final class SecurityServiceCounterReservations implements InvocationCounterWindows.Reservations {

    /** security-service could not reserve: the head-end, not the meter, failed. */
    public static final class CountersUnavailable extends RuntimeException {
        public CountersUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final HttpClient http;
    private final URI base;
    private final String basePath;
    private final int port;
    private final boolean secure;
    private final long timeoutMillis;

    public SecurityServiceCounterReservations(Vertx vertx, URI base, Duration timeout) {
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeout.toMillis()));
        this.base = base;
        this.basePath = base.getPath().replaceAll("/$", "");
        this.secure = "https".equalsIgnoreCase(base.getScheme());
        this.port = base.getPort() != -1 ? base.getPort() : secure ? 443 : 80;
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public Future<Window> reserve(String meterId, String keyId, long atLeast, int count) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST)
                .setHost(base.getHost()).setPort(port).setSsl(secure).setIdleTimeout(timeoutMillis)
                .setURI(basePath + "/meters/" + meterId + "/invocation-counters/" + keyId + "/reservations")
                .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json");
        String body = new JsonObject().put("count", count).put("atLeast", atLeast).encode();
        return http.request(request)
                .compose(req -> req.send(body))
                .compose(response -> response.body().map(bytes -> {
                    if (response.statusCode() != 200) {
                        throw new CountersUnavailable("security-service refused to reserve invocation counters for "
                                + meterId + " (HTTP " + response.statusCode() + "): " + bytes, null);
                    }
                    JsonObject window = bytes.toJsonObject();
                    return new Window(window.getLong("first"), window.getLong("limit"));
                }))
                .recover(e -> Future.failedFuture(e instanceof CountersUnavailable ? e : new CountersUnavailable(
                        "security-service at " + base + " is unreachable for invocation counters: " + e.getMessage(), e)));
    }
}
