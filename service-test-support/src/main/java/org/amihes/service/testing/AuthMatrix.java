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
 * <li>each persona (the demo users and two service clients): 401 when its token's audience ({@code aud}) does not
 * name the service, else 403 when none of the realm roles in its token is among the operation's roles, and neither
 * 401 nor 403 when one is. The request is the least that reaches the endpoint:
 * path parameters an unknown id, a body of {@code {}} or nothing; so an allowed call answers 2xx or a domain 4xx
 * (400 for the missing fields, 404 for the unknown id, 409), which proves the call got past authorisation.</li>
 * <li>every 401 and 403 is problem+json ({@code urn:amihes:problem:unauthorized} / {@code forbidden}) whose detail says
 * why: no bearer token, expired, wrong audience, a bad signature, or the roles the operation needs.</li>
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

    /** An answer: status, content type, body. */
    record Answer(int status, String contentType, String body) {
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
    private final String audience;
    private final List<Finding> findings = new ArrayList<>();
    private int calls;
    private int wrongAudience;

    /**
     * @param base     the service's root URL, e.g. http://localhost:8081
     * @param audience the service's client id, which a token's {@code aud} must name (quarkus.oidc.token.audience)
     */
    public AuthMatrix(String base, String audience) {
        this.base = base.replaceAll("/$", "");
        this.audience = audience;
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
            expect(op, null, "no token", "no bearer token");
            expect(op, expired, "expired token", "expired");
            expect(op, tampered, "tampered token", "signature");
            for (Map.Entry<String, String> persona : personas.entrySet()) {
                Set<String> held = roles(persona.getValue());
                List<String> aud = audiences(persona.getValue());
                if (!aud.contains(audience)) {
                    wrongAudience++;
                    expect(op, persona.getValue(), persona.getKey() + " (aud " + aud + ")", "audience");
                    continue;
                }
                boolean allowed = held.stream().anyMatch(op.roles()::contains);
                Answer answer = call(op, persona.getValue());
                int status = answer.status();
                if (allowed && (status == 401 || status == 403)) {
                    findings.add(new Finding(op.toString(), persona.getKey() + " " + held + " holds one of "
                            + op.roles() + " but got " + status + " " + answer.body()));
                } else if (!allowed && status != 403) {
                    findings.add(new Finding(op.toString(), persona.getKey() + " " + held + " holds none of "
                            + op.roles() + " but got " + status + " (expected 403)"));
                } else if (!allowed) {
                    problem(op, persona.getKey(), answer, 403, "forbidden", op.roles());
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
    static void verify(AuthMatrix matrix) throws Exception {
        String base = matrix.base;
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
        // the audience check was exercised: some persona's token is for other services (polling-service's client
        // names none), and each of those calls was a 401 saying so
        if (matrix.wrongAudience == 0) {
            throw new AssertionError("no persona held a token of another audience than " + matrix.audience
                    + ": the audience check was not exercised");
        }
    }

    /** verify for the service whose tokens name {@code audience}. */
    public static void verify(String base, String audience) throws Exception {
        verify(new AuthMatrix(base, audience));
    }

    /** How many requests the last {@link #check()} sent. */
    public int calls() {
        return calls;
    }

    /** A 401 whose detail says {@code why}. */
    private void expect(Operation op, String token, String what, String why) throws Exception {
        Answer answer = call(op, token);
        if (answer.status() != 401) {
            findings.add(new Finding(op.toString(), what + ": " + answer.status() + ", expected 401"));
            return;
        }
        problem(op, what, answer, 401, "unauthorized", List.of(why));
    }

    /**
     * The body of a 401 or 403: problem+json of the type {@code urn:amihes:problem:<type>}, the status, a title, and a
     * detail naming each of {@code says} (why the token was refused; the roles needed).
     */
    private void problem(Operation op, String what, Answer answer, int status, String type,
                         java.util.Collection<String> says) {
        String where = what + " (" + status + ")";
        if (answer.contentType() == null || !answer.contentType().startsWith("application/problem+json")) {
            findings.add(new Finding(op.toString(), where + ": content type " + answer.contentType()
                    + ", expected application/problem+json; body " + answer.body()));
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(answer.body());
        } catch (IOException e) {
            findings.add(new Finding(op.toString(), where + ": body is not JSON: " + answer.body()));
            return;
        }
        String detail = body.path("detail").asText("");
        if (!("urn:amihes:problem:" + type).equals(body.path("type").asText())
                || body.path("status").asInt() != status || body.path("title").asText("").isBlank()
                || says.stream().anyMatch(s -> !detail.contains(s))) {
            findings.add(new Finding(op.toString(), where + ": expected type urn:amihes:problem:" + type + ", status "
                    + status + ", a title and a detail naming " + says + "; got " + answer.body()));
        }
    }

    private Answer call(Operation op, String token) throws Exception {
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
        HttpResponse<String> r = send(b);
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
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

    /** The audiences a token names (its {@code aud}: one string or a list). */
    public static List<String> audiences(String token) {
        try {
            JsonNode aud = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1])).path("aud");
            List<String> out = new ArrayList<>();
            if (aud.isTextual()) {
                out.add(aud.asText());
            } else {
                aud.forEach(a -> out.add(a.asText()));
            }
            return out;
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
