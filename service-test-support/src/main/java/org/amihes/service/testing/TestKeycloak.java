package org.amihes.service.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Keycloak the tests take their tokens from: the one at HES_KEYCLOAK_URL (./hes test sets it, with
 * HES_KEYCLOAK_SECRETS_DIR), else the project's own on 127.0.0.1:HES_KEYCLOAK_PORT (8180). When it does not serve the
 * realm yet, {@link #ensureRunning()} runs {@code ./hes keycloak} once (download on first use, start, realm import)
 * and every later test, module and run reuses it. Services under test read the same HES_KEYCLOAK_URL.
 */
public final class TestKeycloak {

    public static final String REALM = "ami";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static volatile boolean up;

    private TestKeycloak() {
    }

    /** Base URL, e.g. http://127.0.0.1:8180. */
    public static String url() {
        String url = System.getenv("HES_KEYCLOAK_URL");
        if (url != null && !url.isBlank()) {
            return url.replaceAll("/$", "");
        }
        return "http://127.0.0.1:" + System.getenv().getOrDefault("HES_KEYCLOAK_PORT", "8180");
    }

    /** The realm's issuer, as in the tokens and in quarkus.oidc.auth-server-url. */
    public static String realmUrl() {
        return url() + "/realms/" + REALM;
    }

    public static String tokenEndpoint() {
        return realmUrl() + "/protocol/openid-connect/token";
    }

    /** Where ./hes keeps the realm's secrets (a file per client id, demo-password for the demo users). */
    public static Path secretsDir() {
        String dir = System.getenv("HES_KEYCLOAK_SECRETS_DIR");
        return dir != null && !dir.isBlank() ? Path.of(dir) : ProjectRoot.path().resolve(".run/keycloak/secrets");
    }

    /** A secret of the realm: a client's (by client id) or {@code demo-password}. */
    public static String secret(String name) {
        Path file = secretsDir().resolve(name);
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("no Keycloak secret " + file + ": run ./hes keycloak (or set "
                    + "HES_KEYCLOAK_SECRETS_DIR for the Keycloak at HES_KEYCLOAK_URL)", e);
        }
    }

    /** Makes sure the realm is served; starts the project's Keycloak with ./hes keycloak when it is not. */
    public static synchronized void ensureRunning() {
        if (up || realmServed()) {
            up = true;
            return;
        }
        String external = System.getenv("HES_KEYCLOAK_URL");
        URI base = URI.create(url());
        boolean local = "127.0.0.1".equals(base.getHost()) || "localhost".equals(base.getHost());
        if (!local) {
            throw new IllegalStateException("Keycloak at HES_KEYCLOAK_URL=" + external + " does not serve the realm "
                    + REALM + " (import keycloak/ami-realm.json there)");
        }
        Path root = ProjectRoot.path();
        Path log = Path.of("target", "keycloak-start.log").toAbsolutePath();
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder hes = new ProcessBuilder(List.of(root.resolve("hes").toString(), "keycloak"))
                    .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            hes.environment().remove("HES_KEYCLOAK_URL"); // the script starts the local one on this port
            hes.environment().put("HES_KEYCLOAK_PORT", String.valueOf(base.getPort()));
            Process p = hes.start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("./hes keycloak failed:\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run ./hes keycloak in " + root, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Keycloak starts", e);
        }
        if (!realmServed()) {
            throw new IllegalStateException("./hes keycloak ended but " + realmUrl() + " serves no realm");
        }
        up = true;
    }

    private static boolean realmServed() {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(realmUrl()
                    + "/.well-known/openid-configuration")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
