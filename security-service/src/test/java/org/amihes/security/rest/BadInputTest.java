package org.amihes.security.rest;

import static io.restassured.RestAssured.given;
import static org.amihes.service.testing.BadRequests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;
import java.util.stream.Stream;
import org.amihes.service.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 16, "bad input": every endpoint of security-service × every kind of bad request answers a specific 4xx
 * problem naming the field, and writes nothing (no profile and no invocation counter of the run's names in
 * PostgreSQL); an identical create or put repeated is one version. Real service, PostgreSQL and RabbitMQ.
 */
@QuarkusTest
class BadInputTest {

    static final String RUN = "bad-input-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    static final String NAME = RUN + "p";
    static final String COUNTERS = "/meters/" + RUN + "m/invocation-counters/k1/reservations";

    record Case(String name, String method, String path, String contentType, String body, int status, String type,
                String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case create(String name, String body, int status, String type, String field) {
        return new Case(name, "POST", "/security-profiles", "application/json", body, status, type, field);
    }

    static Case reserve(String name, String body, int status, String type, String field) {
        return new Case(name, "POST", COUNTERS, "application/json", body, status, type, field);
    }

    static Stream<Case> cases() {
        String good = Profiles.json(NAME, 0, "HIGH_GMAC", "AUTHENTICATED_ENCRYPTED");
        return Stream.of(
                create("create not JSON", "profile", 400, "malformed-json", "$"),
                create("create ends early", "{\"name\": \"" + NAME + "\",\n \"securitySuite\": ", 400, "malformed-json", "securitySuite"),
                create("create suite a string", good.replace("0,", "\"zero\","), 400, "wrong-type", "securitySuite"),
                create("create suite a fraction", good.replace("0,", "0.5,"), 400, "wrong-type", "securitySuite"),
                create("create suite 3", good.replace("0,", "3,"), 400, "invalid-field", "securitySuite"),
                create("create authentication unknown", good.replace("HIGH_GMAC", "HIGH_MD5"), 400, "wrong-type", "authentication"),
                create("create unknown field", good.replace("\"securityPolicy\"", "\"policy\""), 400, "unknown-field", "policy"),
                create("create without name", good.replace("\"name\": \"" + NAME + "\", ", ""), 400, "invalid-field", "name"),
                create("create name not a name", good.replace(NAME, RUN + "p q"), 400, "invalid-field", "name"),
                create("create ECDSA with suite 0", Profiles.json(NAME, 0, "HIGH_ECDSA", "AUTHENTICATED"), 400,
                        "invalid-request", "securitySuite"),
                create("create no body", "", 400, "missing-body", "$"),
                create("create JSON null", "null", 400, "missing-body", "$"),
                create("create body an array", "[" + good + "]", 400, "wrong-type", "$"),
                new Case("create text/plain", "POST", "/security-profiles", "text/plain", good, 415, "unsupported-media-type", null),
                create("create oversize", good.replace("\"name\"", "\"pad\": \"" + "x".repeat(70_000) + "\", \"name\""), 413,
                        "payload-too-large", "$"),
                new Case("put name differs from path", "PUT", "/security-profiles/" + RUN + "other", "application/json", good,
                        400, "invalid-request", "name"),
                new Case("put path name not a name", "PUT", "/security-profiles/" + RUN + "p%20q", "application/json",
                        good.replace("\"name\": \"" + NAME + "\", ", ""), 400, "invalid-field", "name"),
                new Case("put suite missing", "PUT", "/security-profiles/" + NAME, "application/json",
                        good.replace("\"securitySuite\": 0, ", ""), 400, "invalid-field", "securitySuite"),
                new Case("get unknown profile", "GET", "/security-profiles/" + NAME, null, null, 404, "not-found", "name"),
                new Case("DELETE profile", "DELETE", "/security-profiles/" + NAME, null, null, 405, "method-not-allowed", null),
                reserve("reserve not JSON", "ten please", 400, "malformed-json", "$"),
                reserve("reserve count missing", "{}", 400, "invalid-field", "count"),
                reserve("reserve count 0", "{\"count\": 0}", 400, "invalid-field", "count"),
                reserve("reserve count a string", "{\"count\": \"ten\"}", 400, "wrong-type", "count"),
                reserve("reserve atLeast past 2^32", "{\"count\": 1, \"atLeast\": 4294967296}", 400, "invalid-field", "atLeast"),
                reserve("reserve unknown field", "{\"count\": 1, \"from\": 5}", 400, "unknown-field", "from"),
                reserve("reserve no body", "", 400, "missing-body", "$"),
                new Case("reserve meter id not an id", "POST", "/meters/" + RUN + "m%20n/invocation-counters/k1/reservations",
                        "application/json", "{\"count\": 1}", 400, "invalid-field", "meterId"),
                new Case("reserve text/plain", "POST", COUNTERS, "text/plain", "{\"count\": 1}", 415, "unsupported-media-type", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badRequestGetsASpecificProblemAndWritesNothing(Case c) {
        RequestSpecification request = given().urlEncodingEnabled(false);
        if (c.path().endsWith("/reservations")) { // counters are reserved by association-service's client only
            request.header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.client("association-service"));
        }
        if (c.contentType() != null) {
            request.contentType(c.contentType() + "; charset=UTF-8").body(c.body());
        }
        assertProblem(request.request(c.method(), c.path()).then(), c.status(), c.type(), c.field());
        assertThat(TestDatabase.count("select count(*) from security.security_profile where name like ?", RUN + "%"))
                .as("profiles written by bad requests").isZero();
        assertThat(TestDatabase.count("select count(*) from security.invocation_counter where meter_id like ?", RUN + "%"))
                .as("counters written by bad requests").isZero();
    }

    @Test
    void anIdenticalCreateOrPutRepeatedIsOneVersion() {
        String name = "bad-input-twice-" + UUID.randomUUID();
        String body = Profiles.json(name, 0, "HIGH_GMAC", "AUTHENTICATED_ENCRYPTED");
        Profiles.post(body).statusCode(201).body("version", equalTo(1));
        Profiles.post(body).statusCode(200).body("version", equalTo(1));
        Profiles.put(name, body).statusCode(200).body("version", equalTo(1));
        Profiles.put(name, body).statusCode(200).body("version", equalTo(1));
        assertProblem(Profiles.post(Profiles.json(name, 1, "HIGH_GMAC", "AUTHENTICATED_ENCRYPTED")), 409, "conflict", "name");
        assertThat(TestDatabase.count("select version from security.security_profile where name = ?", name)).isEqualTo(1);
    }

    @Test
    void aRepeatedReservationGetsTheNextWindowNeverTheSameOne() {
        String path = "/meters/" + RUN.replace("bad-input", "bad-twice") + "m/invocation-counters/k1/reservations";
        String service = "Bearer " + org.amihes.service.testing.TestTokens.client("association-service");
        long first = ((Number) given().header("Authorization", service).contentType("application/json").body("{\"count\": 10}").post(path)
                .then().statusCode(200).extract().path("first")).longValue();
        long second = ((Number) given().header("Authorization", service).contentType("application/json").body("{\"count\": 10}").post(path)
                .then().statusCode(200).extract().path("first")).longValue();
        assertThat(second).as("a repeat is a new window after the first").isEqualTo(first + 10);
    }
}
