package org.amihes.association.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * association-service's one HTTP door to security-service (invocation counters, meter credentials): non-blocking,
 * runs on the calling event loop, presents association-service's access token (OIDC client credentials).
 */
public final class SecurityServiceClient {

    /** An answer: status and body. */
    public record Reply(int status, Buffer body) {
    }

    private final HttpClient http;
    private final URI base;
    private final String basePath;
    private final int port;
    private final boolean secure;
    private final long timeoutMillis;
    private final Supplier<Future<String>> bearer;

    /** @param bearer an access token for each request (cached by its source), or null to send none */
    public SecurityServiceClient(Vertx vertx, URI base, Duration timeout, Supplier<Future<String>> bearer) {
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeout.toMillis())
                .setMaxPoolSize(32));
        this.base = base;
        this.basePath = base.getPath().replaceAll("/$", "");
        this.secure = "https".equalsIgnoreCase(base.getScheme());
        this.port = base.getPort() != -1 ? base.getPort() : secure ? 443 : 80;
        this.timeoutMillis = timeout.toMillis();
        this.bearer = bearer;
    }

    public Future<Reply> get(String path) {
        return send(HttpMethod.GET, path, null);
    }

    public Future<Reply> post(String path, String json) {
        return send(HttpMethod.POST, path, json);
    }

    public URI base() {
        return base;
    }

    private Future<Reply> send(HttpMethod method, String path, String json) {
        RequestOptions request = new RequestOptions().setMethod(method).setHost(base.getHost()).setPort(port)
                .setSsl(secure).setIdleTimeout(timeoutMillis).setURI(basePath + path)
                .putHeader("Accept", "application/json");
        if (json != null) {
            request.putHeader("Content-Type", "application/json");
        }
        Future<RequestOptions> withToken = bearer == null ? Future.succeededFuture(request)
                : bearer.get().map(token -> request.putHeader("Authorization", "Bearer " + token));
        return withToken.compose(http::request)
                .compose(req -> json == null ? req.send() : req.send(json))
                .compose(response -> response.body().map(body -> new Reply(response.statusCode(), body)));
    }
}
