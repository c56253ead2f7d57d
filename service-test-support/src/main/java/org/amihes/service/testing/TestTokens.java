package org.amihes.service.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Access tokens from the real Keycloak (realm ami) for tests: a demo user's (password grant with the public client
 * hes-cli; users viewer, operator, firmware-manager, security-officer, admin, escrow-officer, nobody) or a service
 * client's (client credentials). Each is reused until 30 s before it expires, so a long test never sends an expired
 * one.
 */
public final class TestTokens {

    /** The demo user every test request carries unless it sets its own Authorization (BearerTokenFilter). */
    public static final String DEFAULT_USER = "admin";

    private record Cached(String token, long refreshAt) {
    }

    private static final Map<String, Cached> CACHE = new ConcurrentHashMap<>();
    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestTokens() {
    }

    /** A demo user's access token. */
    public static String user(String username) {
        return cached("user:" + username, () -> Map.of("grant_type", "password", "client_id", "hes-cli",
                "username", username, "password", TestKeycloak.secret("demo-password"), "scope", "openid"));
    }

    /** A service client's access token (client credentials), e.g. {@code client("association-service")}. */
    public static String client(String clientId) {
        return cached("client:" + clientId, () -> Map.of("grant_type", "client_credentials", "client_id", clientId,
                "client_secret", TestKeycloak.secret(clientId)));
    }

    /** The default user's token: every role of a person (admin), not key-consumer nor key-escrow. */
    public static String admin() {
        return user(DEFAULT_USER);
    }

    /** A token of the user fetched now, not from the cache (for a service that takes tokens only seconds old). */
    public static String fresh(String username) {
        return request(Map.of("grant_type", "password", "client_id", "hes-cli", "username", username,
                "password", TestKeycloak.secret("demo-password"))).path("access_token").asText();
    }

    /**
     * A token issued by the realm with a lifetime of one second (client hes-token-probe), already expired when this
     * returns: the signature is good, only {@code exp} is past.
     */
    public static String expired(String username) {
        JsonNode answer = request(Map.of("grant_type", "password", "client_id", "hes-token-probe",
                "username", username, "password", TestKeycloak.secret("demo-password")));
        long expiresIn = answer.path("expires_in").asLong();
        try {
            Thread.sleep((expiresIn + 2) * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return answer.path("access_token").asText();
    }

    private static String cached(String key, java.util.function.Supplier<Map<String, String>> form) {
        Cached c = CACHE.get(key);
        if (c != null && System.nanoTime() < c.refreshAt()) {
            return c.token();
        }
        // one fetch per key at a time: threads of one test asking at once wait for it (Keycloak answered concurrent
        // password grants of one user with "Invalid user credentials")
        synchronized (LOCKS.computeIfAbsent(key, k -> new Object())) {
            c = CACHE.get(key);
            if (c != null && System.nanoTime() < c.refreshAt()) {
                return c.token();
            }
            long asked = System.nanoTime();
            JsonNode answer = request(form.get());
            long lifetime = Math.max(0, answer.path("expires_in").asLong() - 30);
            Cached fresh = new Cached(answer.path("access_token").asText(), asked + Duration.ofSeconds(lifetime).toNanos());
            CACHE.put(key, fresh);
            return fresh.token();
        }
    }

    /** Password grants of this JVM, one at a time (the file lock below is per process). */
    private static final Object PASSWORD_GRANTS = new Object();

    /**
     * Keycloak (the realm protects against brute force) answers all but one of several password grants of one user
     * made at the same moment with "Invalid user credentials", and ./hes test builds modules side by side, so test JVMs
     * ask at once: a password grant is made under a lock file shared by every JVM of this machine (TestTokensTest).
     */
    private static JsonNode request(Map<String, String> form) {
        if (!"password".equals(form.get("grant_type"))) {
            return send(form);
        }
        java.nio.file.Path lock = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
                "amihes-keycloak-password-grants.lock");
        synchronized (PASSWORD_GRANTS) {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lock,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                 java.nio.channels.FileLock held = channel.lock()) {
                return send(form);
            } catch (IOException e) {
                throw new IllegalStateException("cannot lock " + lock + " for a password grant", e);
            }
        }
    }

    private static JsonNode send(Map<String, String> form) {
        TestKeycloak.ensureRunning();
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(TestKeycloak.tokenEndpoint()))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("Keycloak refused a token (" + form.get("grant_type") + ", "
                        + form.getOrDefault("username", form.get("client_id")) + "): HTTP " + r.statusCode() + " "
                        + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak at " + TestKeycloak.url() + " unreachable for a token", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
