package org.amihes.service.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amihes.service.testing.BadInputCases.Case;

/**
 * Issue 16, bad input: every operation of a running service's OpenAPI document ({@code /q/openapi}) gets the bad
 * requests {@link BadInputCases} makes from what the document says about it: malformed JSON, JSON that ends early, no
 * body, {@code null}, the wrong JSON type for the body and for each of its properties, an unknown field, a key given
 * twice, the wrong media type, a body declared larger than any limit, query parameters of the wrong type or out of
 * their bounds, unknown ids. Each must get the specific 4xx problem+json its kind calls for (a 2xx or a 5xx to bad
 * input is always a finding), and nothing may be written to the service's schema while an operation's cases run
 * ({@link SchemaWrites}). Each request carries the token of a demo user or service client that holds one of the
 * operation's roles, so the case reaches the endpoint. Generated, not listed: an endpoint added later is covered.
 */
public final class InputMatrix {

    /** One case that got another answer than its kind calls for, or an operation that wrote. */
    public record Finding(String where, String problem) {
        @Override
        public String toString() {
            return where + ": " + problem;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String audience;
    private final SchemaWrites writes;
    private final List<Finding> findings = new ArrayList<>();
    private final Map<String, Integer> kinds = new LinkedHashMap<>();
    private final Set<String> updatedByItself = new java.util.HashSet<>();
    private final Set<String> anyIdValid = new java.util.HashSet<>();
    private Set<String> queryParameters = Set.of();
    private int operations;
    private int cases;

    /**
     * @param base     the service's root URL
     * @param audience the service's client id, which a token must name to reach it
     * @param schema   the service's database schema, which bad input must leave untouched
     */
    public InputMatrix(String base, String audience, String schema) {
        this.base = base.replaceAll("/$", "");
        this.audience = audience;
        this.writes = new SchemaWrites(schema);
    }

    /**
     * Tables of the schema the service updates on its own clock (a replica's heartbeat): their rows may change while
     * the cases run, their row count may not (no row inserted or deleted).
     */
    public InputMatrix updatedByItself(String... tables) {
        for (String t : tables) {
            updatedByItself.add(t);
        }
        return this;
    }

    /**
     * Operations (e.g. {@code "GET /meters/{meterId}/invocation-counters"}) for which no id is unknown by design: a
     * list kept for any id, which answers an id never used with 200 and an empty list; that is what they must answer.
     */
    public InputMatrix anyIdValid(String... operations) {
        for (String o : operations) {
            anyIdValid.add(o);
        }
        return this;
    }

    /** Runs every case of every operation; returns what is wrong (empty: every bad request got its problem). */
    public List<Finding> check() throws Exception {
        JsonNode document = document();
        BadInputCases generator = new BadInputCases(document);
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!Set.of("get", "post", "put", "delete", "patch").contains(op.getKey())) {
                    continue;
                }
                operations++;
                String token = tokenFor(roles(op.getValue(), document));
                String where = op.getKey().toUpperCase() + " " + path.getKey();
                if (token == null) {
                    findings.add(new Finding(where, "no demo user or service client of audience " + audience
                            + " holds one of its roles " + roles(op.getValue(), document)));
                    continue;
                }
                queryParameters = new java.util.HashSet<>();
                for (JsonNode p : op.getValue().path("parameters")) {
                    if ("query".equals(p.path("in").asText())) {
                        queryParameters.add(p.path("name").asText());
                    }
                }
                SchemaWrites.Mark mark = writes.mark();
                for (Case c : generator.of(op.getKey(), path.getKey(), op.getValue(), path.getValue())) {
                    cases++;
                    kinds.merge(family(c.kind()), 1, Integer::sum);
                    run(c, token);
                }
                for (String change : writes.since(mark, updatedByItself)) {
                    findings.add(new Finding(where, "bad input wrote to the database: " + change));
                }
            }
        }
        return findings;
    }

    /**
     * What each service's InputMatrixTest runs: the document lists operations, cases were made, and none has a
     * finding. Throws an AssertionError listing the findings.
     */
    public static void verify(String base, String audience, String schema) throws Exception {
        new InputMatrix(base, audience, schema).verify();
    }

    /** {@link #verify(String, String, String)} with this matrix's exceptions (see {@link #updatedByItself}). */
    public void verify() throws Exception {
        InputMatrix matrix = this;
        long started = System.nanoTime();
        List<Finding> findings = matrix.check();
        System.out.printf("InputMatrix %s: %d operations, %d cases %s, %d findings, %d ms%n", base, matrix.operations,
                matrix.cases, matrix.kinds, findings.size(), (System.nanoTime() - started) / 1_000_000);
        if (matrix.operations == 0 || matrix.cases == 0) {
            throw new AssertionError("the OpenAPI document of " + base + " gave " + matrix.operations
                    + " operations and " + matrix.cases + " cases");
        }
        if (!findings.isEmpty()) {
            StringBuilder all = new StringBuilder();
            findings.forEach(f -> all.append("\n  ").append(f));
            throw new AssertionError(findings.size() + " of " + matrix.cases + " bad requests not answered as "
                    + "they must be:" + all);
        }
    }

    private void run(Case c, String token) throws Exception {
        int status;
        String contentType;
        String body;
        if (c.declaredLength() > 0) {
            String answer = BadRequests.declareBody(URI.create(base).getPort(), c.method(), c.path(), c.contentType(),
                    c.declaredLength(), 10_000, token);
            if (answer.isEmpty()) {
                findings.add(new Finding(c.toString(), "no answer within 10 s: the server waits for a body of "
                        + c.declaredLength() + " bytes"));
                return;
            }
            String head = answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n")));
            status = Integer.parseInt(head.split(" ")[1]);
            contentType = head.lines().filter(l -> l.toLowerCase().startsWith("content-type:"))
                    .map(l -> l.substring(13).trim()).findFirst().orElse(null);
            body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        } else {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + c.path())).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token);
            if (c.contentType() != null) {
                b.header("Content-Type", c.contentType());
            }
            b.method(c.method().toUpperCase(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(c.body()));
            HttpResponse<String> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (HttpTimeoutException e) {
                findings.add(new Finding(c.toString(), "no answer within 30 s"));
                return;
            }
            status = r.statusCode();
            contentType = r.headers().firstValue("Content-Type").orElse(null);
            body = r.body();
        }
        judge(c, status, contentType, body);
    }

    private void judge(Case c, int status, String contentType, String body) {
        String got = status + " " + abbreviate(body);
        if ("unknown ids".equals(c.kind()) && anyIdValid.contains(c.operation())) {
            if (status != 200 || !"[]".equals(body.strip())) {
                findings.add(new Finding(c.toString(), "a list kept for any id: expected 200 [] for an id never used, got "
                        + got));
            }
            return;
        }
        if (status < 400 || status >= 500) {
            findings.add(new Finding(c.toString(), "answered " + got + " to bad input (expected "
                    + c.expect().statuses() + " " + c.expect().types() + ")"));
            return;
        }
        if (contentType == null || !contentType.startsWith("application/problem+json")) {
            findings.add(new Finding(c.toString(), "content type " + contentType + ", not problem+json: " + got));
            return;
        }
        JsonNode problem;
        try {
            problem = JSON.readTree(body);
        } catch (IOException e) {
            findings.add(new Finding(c.toString(), "problem body is not JSON: " + got));
            return;
        }
        String type = problem.path("type").asText().replace("urn:amihes:problem:", "");
        String detail = problem.path("detail").asText("");
        boolean unknownIdNamed = status == 404 && "not-found".equals(type)
                && c.unknownIds().stream().anyMatch(detail::contains);
        if ("unknown ids".equals(c.kind())) {
            if (!unknownIdNamed && !(status == 400 && "invalid-field".equals(type) && namesQueryParameter(c, problem))) {
                findings.add(new Finding(c.toString(), "expected 404 not-found naming the unknown id " + c.unknownIds()
                        + " (or 400 naming a query parameter it lacks), got " + got));
            }
            return;
        }
        if (unknownIdNamed) {
            return; // the lookup of the unknown id came first: a specific answer too
        }
        if (!c.expect().statuses().contains(status) || !c.expect().types().contains(type)
                || problem.path("status").asInt() != status) {
            findings.add(new Finding(c.toString(), "expected " + c.expect().statuses() + " " + c.expect().types()
                    + ", got " + got));
            return;
        }
        String field = c.expect().field();
        if (field != null) {
            boolean named = false;
            for (JsonNode error : problem.path("errors")) {
                named |= field.equals(error.path("field").asText());
            }
            // a query case fills the other required parameters with a placeholder ("inputmatrix"), which a parameter
            // with a pattern refuses first: a problem naming one of them is specific too (the case did not reach its own)
            boolean another = c.kind().startsWith("query ") && namesQueryParameter(c, problem);
            if (!named && !another && !detail.contains(field)) {
                findings.add(new Finding(c.toString(), "the problem does not name " + field + ": " + got));
            }
        }
    }

    /** Whether the problem names, as a field, a query parameter of the operation being checked. */
    private boolean namesQueryParameter(Case c, JsonNode problem) {
        for (JsonNode error : problem.path("errors")) {
            if (queryParameters.contains(error.path("field").asText())) {
                return true;
            }
        }
        return false;
    }

    private JsonNode document() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/q/openapi?format=json")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/q/openapi answered " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    private static Set<String> roles(JsonNode operation, JsonNode document) {
        Set<String> roles = new java.util.LinkedHashSet<>();
        JsonNode security = operation.has("security") ? operation.get("security") : document.path("security");
        for (JsonNode requirement : security) {
            requirement.path("keycloak").forEach(role -> roles.add(role.asText()));
        }
        return roles;
    }

    /** The token of the first demo user, else service client, of this audience that holds one of {@code roles}. */
    private String tokenFor(Set<String> roles) {
        List<String> tokens = new ArrayList<>();
        AuthMatrix.USERS.forEach(u -> tokens.add(TestTokens.user(u)));
        AuthMatrix.CLIENTS.forEach(c -> tokens.add(TestTokens.client(c)));
        for (String token : tokens) {
            if (AuthMatrix.audiences(token).contains(audience)
                    && AuthMatrix.roles(token).stream().anyMatch(roles::contains)) {
                return token;
            }
        }
        return null;
    }

    /** "query limit wrong type (many)" → "query wrong type", "duplicate key port" → "duplicate key". */
    private static String family(String kind) {
        return kind.replaceAll("^(query|path) \\S+ ", "$1 ").replaceAll(" \\(.*\\)$", "").replaceAll(":.*$", "")
                .replaceAll("^duplicate key .*", "duplicate key");
    }

    private static String abbreviate(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ");
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }
}
