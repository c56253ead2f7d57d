package org.amihes.association.client;

import org.amihes.service.messaging.Coalescer;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.amihes.association.domain.MeterCredentials;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.SecurityObjects;
import org.amihes.dlms.SecuritySettings;

/**
 * A meter's credentials from security-service ({@code GET /meters/{id}/credentials?profile=}), over the service
 * credential. A refusal becomes {@link Refused}, classified: the meter is never contacted without its keys.
 */
public final class SecurityServiceCredentials {

    /**
     * No usable credentials. {@code failureClass}/{@code code}: CONFIGURATION HES-002 (no keys or no profile),
     * SECURITY DLMS-004 (the profile contradicts the key delivery), HEAD_END HES-005 (security-service unreachable or
     * refusing this service).
     */
    public static final class Refused extends RuntimeException {
        private final String failureClass;
        private final String code;

        public Refused(String failureClass, String code, String message, Throwable cause) {
            super(message, cause);
            this.failureClass = failureClass;
            this.code = code;
        }

        public String failureClass() {
            return failureClass;
        }

        public String code() {
            return code;
        }
    }

    /** Lookups sent together: at most this many meters per request to security-service. */
    static final int BATCH = 100;
    /** How long a lookup waits for others to go with it. */
    static final long GATHER_MS = 2;

    private record Wanted(String meterId, String profile) {
    }

    private final SecurityServiceClient client;
    private final Coalescer<Wanted, JsonObject> lookups;

    public SecurityServiceCredentials(io.vertx.core.Vertx vertx, SecurityServiceClient client) {
        this.client = client;
        this.lookups = new Coalescer<>(vertx, BATCH, GATHER_MS, this::lookup);
    }

    /**
     * A meter's credentials; lookups made at about the same time (the meters of a job batch) travel in one request
     * ({@code POST /meters/credentials}), each answered as if asked alone.
     */
    public Future<MeterCredentials> fetch(String meterId, String profile) {
        return lookups.request(new Wanted(meterId, profile)).map(SecurityServiceCredentials::answer);
    }

    private Future<List<JsonObject>> lookup(List<Wanted> wanted) {
        JsonArray meters = new JsonArray();
        wanted.forEach(w -> meters.add(new JsonObject().put("meterId", w.meterId()).put("profile", w.profile())));
        return client.post("/meters/credentials", new JsonObject().put("meters", meters).encode())
                .recover(e -> Future.failedFuture(new Refused("HEAD_END", "HES-005", "HES-005: Keys unavailable "
                        + "(security-service at " + client.base() + " is unreachable: " + e.getMessage() + ")", e)))
                .map(reply -> {
                    if (reply.status() != 200) {
                        throw new Refused("HEAD_END", "HES-005", "HES-005: Keys unavailable (security-service "
                                + "answered HTTP " + reply.status() + ": " + detail(reply.body().toString()) + ")", null);
                    }
                    return reply.objects("meters");
                });
    }

    /** One meter's answer: its credentials, or its refusal classified as a request for it alone would have been. */
    private static MeterCredentials answer(JsonObject answer) {
        JsonObject credentials = answer.getJsonObject("credentials");
        if (credentials != null) {
            return parse(credentials);
        }
        JsonObject problem = answer.getJsonObject("problem", new JsonObject());
        int status = problem.getInteger("status", 500);
        String detail = problem.getString("detail", "no detail");
        if (status == 409 && detail.startsWith("DLMS-004")) {
            throw new Refused("SECURITY", "DLMS-004", detail, null);
        }
        if (status == 404 || status == 409) {
            throw new Refused("CONFIGURATION", "HES-002", "HES-002: Association cannot be set up (" + detail + ")", null);
        }
        throw new Refused("HEAD_END", "HES-005", "HES-005: Keys unavailable (security-service answered HTTP " + status
                + " for meter " + answer.getString("meterId") + ": " + detail + ")", null);
    }

    private static String detail(String body) {
        try {
            return new JsonObject(body).getString("detail", body);
        } catch (RuntimeException notJson) {
            return body;
        }
    }

    static MeterCredentials parse(JsonObject json) {
        HexFormat hex = HexFormat.of();
        JsonObject profile = json.getJsonObject("profile");
        List<MeterCredentials.KeyVersion> keys = new ArrayList<>();
        JsonArray versions = json.getJsonArray("keys");
        for (int i = 0; i < versions.size(); i++) {
            JsonObject v = versions.getJsonObject(i);
            keys.add(new MeterCredentials.KeyVersion(v.getInteger("version"), v.getString("state"),
                    hex.parseHex(v.getString("blockCipherKey")), hex.parseHex(v.getString("authenticationKey")),
                    v.getString("hlsSecret") == null ? null : hex.parseHex(v.getString("hlsSecret")),
                    v.getString("llsPassword")));
        }
        String headEndTitle = json.getString("headEndSystemTitle");
        return new MeterCredentials(profile.getString("name"), profile.getInteger("version"),
                AuthenticationLevel.valueOf(profile.getString("authentication")), profile.getInteger("securitySuite"),
                SecuritySettings.SecurityPolicy.valueOf(profile.getString("securityPolicy")),
                profile.getInteger("clientAddress"),
                new SecurityObjects(null, profile.getString("securitySetup"), profile.getString("frameCounter")),
                headEndTitle == null ? null : hex.parseHex(headEndTitle), keys,
                publicKey(json.getString("meterSigningKey")),
                keyPair(json.getString("headEndSigningKey"), json.getString("headEndSigningPublicKey")));
    }

    private static PublicKey publicKey(String b64) {
        if (b64 == null) {
            return null;
        }
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("security-service sent a meter signing key that is not an EC key", e);
        }
    }

    private static KeyPair keyPair(String privateB64, String publicB64) {
        if (privateB64 == null) {
            return null;
        }
        try {
            KeyFactory ec = KeyFactory.getInstance("EC");
            return new KeyPair(publicKey(publicB64),
                    ec.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(privateB64))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("security-service sent a head-end signing key that is not an EC key", e);
        }
    }
}
