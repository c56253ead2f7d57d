package org.amihes.service.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Who may call which endpoint of a running service, checked against the real Keycloak for EVERY operation the
 * service's OpenAPI document lists (so an endpoint added later is checked without touching the test):
 * <ul>
 * <li>the operation names its roles (its {@code @RolesAllowed}, which the OpenAPI document carries as the scopes of
 * the {@code keycloak} security requirement); one without is reported: it is denied to everybody until annotated;</li>
 * <li>no token, an expired token and a tampered token: 401;</li>
 * <li>each persona (the demo users and two service clients): 403 when none of the realm roles in its token is among
 * the operation's roles, and neither 401 nor 403 when one is. The request is the least that reaches the endpoint:
 * path parameters an unknown id, a body of {@code {}} or nothing; so an allowed call answers 2xx or a domain 4xx
 * (400 for the missing fields, 404 for the unknown id, 409), which proves the call got past authorisation.</li>
 * </ul>
 */
public final class AuthMatrix {

    /** The users of keycloak/ami-realm.json and service clients whose tokens are tried on every operation. */
    public static final List<String> USERS = List.of("viewer", "operator", "firmware-manager", "security-officer",
            "admin", "escrow-officer", "nobody");
    public static final List<String> CLIENTS = List.of("association-service", "polling-service");

    /** One finding: an operation and what went wrong. */
    public record Finding(String operation, String problem) {
        @Override
        public String toString() {
            return operation + ": " + problem;
        }
    }

    /** One operation of the OpenAPI document. */
    public record Operation(String method, String path, Set<String> roles, String contentType) {
        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final List<Finding> findings = new ArrayList<>();
    private int calls;

    /** @param base the service's root URL, e.g. http://localhost:8081 */
    public AuthMatrix(String base) {
        this.base = base.replaceAll("/$", "");
    }

    /** The operations of the service's OpenAPI document (/q/openapi), with the roles each requires. */
    public List<Operation> operations() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/q/openapi?format=json")).GET());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/q/openapi answered " + r.statusCode() + " (it must stay open)");
        }
        JsonNode doc = JSON.readTree(r.body());
        List<Operation> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!Set.of("get", "post", "put", "delete", "patch").contains(op.getKey())) {
                    continue;
                }
                Set<String> roles = new LinkedHashSet<>();
                JsonNode security = op.getValue().has("security") ? op.getValue().get("security") : doc.path("security");
                for (JsonNode requirement : security) {
                    requirement.path("keycloak").forEach(role -> roles.add(role.asText()));
                }
                Iterator<String> types = op.getValue().path("requestBody").path("content").fieldNames();
                out.add(new Operation(op.getKey(), path.getKey(), roles, types.hasNext() ? types.next() : null));
            }
        }
        return out;
    }

    /** Checks every operation; returns what is wrong (empty: the matrix holds). */
    public List<Finding> check() throws Exception {
        List<Operation> operations = operations();
        if (operations.isEmpty()) {
            findings.add(new Finding("(document)", "the OpenAPI document lists no operation"));
        }
        String expired = TestTokens.expired("admin");
        String tampered = tamper(TestTokens.admin());
        Map<String, String> personas = new LinkedHashMap<>();
        USERS.forEach(u -> personas.put(u, TestTokens.user(u)));
        CLIENTS.forEach(c -> personas.put("client " + c, TestTokens.client(c)));
        for (Operation op : operations) {
            if (op.roles().isEmpty()) {
                findings.add(new Finding(op.toString(), "no @RolesAllowed: denied to everybody until annotated "
                        + "(see README, Identity)"));
                continue;
            }
            expect(op, null, "no token", 401);
            expect(op, expired, "expired token", 401);
            expect(op, tampered, "tampered token", 401);
            for (Map.Entry<String, String> persona : personas.entrySet()) {
                Set<String> held = roles(persona.getValue());
                boolean allowed = held.stream().anyMatch(op.roles()::contains);
                int status = call(op, persona.getValue());
                if (allowed && (status == 401 || status == 403)) {
                    findings.add(new Finding(op.toString(), persona.getKey() + " " + held + " holds one of "
                            + op.roles() + " but got " + status));
                } else if (!allowed && status != 403) {
                    findings.add(new Finding(op.toString(), persona.getKey() + " " + held + " holds none of "
                            + op.roles() + " but got " + status + " (expected 403)"));
                }
            }
        }
        return findings;
    }

    /**
     * The whole check of one service, what each service's AuthMatrixTest runs: its OpenAPI document lists operations,
     * each names its roles, no call has a finding, and every operation was called with the 3 bad tokens and each of
     * the 9 personas. Throws an AssertionError naming what failed.
     */
    public static void verify(String base) throws Exception {
        AuthMatrix matrix = new AuthMatrix(base);
        List<Operation> operations = matrix.operations();
        if (operations.isEmpty()) {
            throw new AssertionError("the OpenAPI document of " + base + " lists no operation");
        }
        List<Operation> unroled = operations.stream().filter(op -> op.roles().isEmpty()).toList();
        if (!unroled.isEmpty()) {
            throw new AssertionError("operations without roles: " + unroled);
        }
        List<Finding> findings = matrix.check();
        if (!findings.isEmpty()) {
            throw new AssertionError(findings.size() + " findings in operations " + operations + ": " + findings);
        }
        int expected = operations.size() * (3 + USERS.size() + CLIENTS.size());
        if (matrix.calls() != expected) {
            throw new AssertionError("sent " + matrix.calls() + " requests, expected " + expected);
        }
    }

    /** How many requests the last {@link #check()} sent. */
    public int calls() {
        return calls;
    }

    private void expect(Operation op, String token, String what, int expected) throws Exception {
        int status = call(op, token);
        if (status != expected) {
            findings.add(new Finding(op.toString(), what + ": " + status + ", expected " + expected));
        }
    }

    private int call(Operation op, String token) throws Exception {
        String path = op.path().replaceAll("\\{[^}]*(?i:batchid|uuid)[^}]*}", UUID.randomUUID().toString())
                .replaceAll("\\{[^}]+}", "authmatrix-" + Long.toHexString(System.nanoTime()));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        if (op.contentType() != null) {
            b.header("Content-Type", op.contentType());
            if (op.contentType().contains("json")) {
                body = HttpRequest.BodyPublishers.ofString("{}");
            }
        }
        b.method(op.method().toUpperCase(), body);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        calls++;
        return send(b).statusCode();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The realm roles a token carries (realm_access.roles of its payload). */
    public static Set<String> roles(String token) {
        try {
            JsonNode payload = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
            Set<String> roles = new LinkedHashSet<>();
            payload.path("realm_access").path("roles").forEach(r -> roles.add(r.asText()));
            return roles;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JWT", e);
        }
    }

    /**
     * The token with its payload changed (realm roles widened to key-escrow and key-consumer), signature kept: a
     * service that checked nothing but the payload would let it through.
     */
    public static String tamper(String token) {
        String[] parts = token.split("\\.");
        try {
            com.fasterxml.jackson.databind.node.ObjectNode payload = (com.fasterxml.jackson.databind.node.ObjectNode)
                    JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            com.fasterxml.jackson.databind.node.ArrayNode roles = payload.with("realm_access").withArray("roles");
            roles.add("key-escrow").add("key-consumer");
            String changed = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    JSON.writeValueAsString(payload).getBytes(StandardCharsets.UTF_8));
            return parts[0] + "." + changed + "." + parts[2];
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JWT", e);
        }
    }
}
