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

/**
 * association-service's one HTTP door to security-service (invocation counters, meter credentials): non-blocking,
 * runs on the calling event loop, presents association-service's access token (OIDC client credentials).
 */
public final class SecurityServiceClient {

    /** An answer: status and body. */
    public record Reply(int status, Buffer body) {

        /** The JSON objects of the array {@code field} of a JSON object body, in order (a batch answer's entries). */
        public java.util.List<io.vertx.core.json.JsonObject> objects(String field) {
            io.vertx.core.json.JsonArray array = body.toJsonObject().getJsonArray(field);
            java.util.List<io.vertx.core.json.JsonObject> out = new java.util.ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
                out.add(array.getJsonObject(i));
            }
            return out;
        }
    }

    /** Where the requests' access tokens come from. */
    public interface Bearer {
        /** A token for the next request (cached by the source). */
        Future<String> token();

        /** security-service refused {@code token} (401): the source hands out a new one next. */
        void refused(String token);
    }

    private final HttpClient http;
    private final URI base;
    private final String basePath;
    private final int port;
    private final boolean secure;
    private final long timeoutMillis;
    private final Bearer bearer;

    /** @param bearer the access tokens of the requests, or null to send none */
    public SecurityServiceClient(Vertx vertx, URI base, Duration timeout, Bearer bearer) {
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

    /**
     * With a token: a 401 (the token expired on its way, or was revoked) is answered by one more attempt with a new
     * token; a refused request was not carried out, so sending it again is safe.
     */
    private Future<Reply> send(HttpMethod method, String path, String json) {
        if (bearer == null) {
            return exchange(method, path, json, null);
        }
        return bearer.token().compose(token -> exchange(method, path, json, token).compose(reply -> {
            if (reply.status() != 401) {
                return Future.succeededFuture(reply);
            }
            bearer.refused(token);
            return bearer.token().compose(fresh -> exchange(method, path, json, fresh));
        }));
    }

    private Future<Reply> exchange(HttpMethod method, String path, String json, String token) {
        RequestOptions request = new RequestOptions().setMethod(method).setHost(base.getHost()).setPort(port)
                .setSsl(secure).setIdleTimeout(timeoutMillis).setURI(basePath + path)
                .putHeader("Accept", "application/json");
        if (json != null) {
            request.putHeader("Content-Type", "application/json");
        }
        if (token != null) {
            request.putHeader("Authorization", "Bearer " + token);
        }
        return http.request(request)
                .compose(req -> json == null ? req.send() : req.send(json))
                .compose(response -> response.body().map(body -> new Reply(response.statusCode(), body)));
    }
}
