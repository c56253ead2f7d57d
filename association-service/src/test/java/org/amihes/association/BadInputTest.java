package org.amihes.association;

import static io.restassured.RestAssured.given;
import static org.amihes.service.testing.BadRequests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.amihes.service.testing.BadRequests;
import org.amihes.service.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 16, "bad input": every endpoint of association-service × every kind of bad request (malformed JSON, wrong
 * types, missing and unknown fields, no body, oversize, wrong media type, unknown ids, duplicates) answers a specific
 * 4xx problem naming the field, and writes nothing (checked in PostgreSQL after each case); every write applied twice
 * has one effect. Against the real service, PostgreSQL and RabbitMQ.
 */
@QuarkusTest
class BadInputTest {

    /** Every id of a bad request starts with this: after each case, no meter of it may exist. */
    static final String RUN = "BI" + UUID.randomUUID().toString().substring(0, 6) + "-";
    static final String ID = RUN + "1";

    static String meter(String id) {
        return MeterResourceTest.meterJson(id, 4059);
    }

    /** One bad request and the problem it must get. */
    record Case(String name, String method, String path, String contentType, String body, int status, String type,
                String field, Integer line) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case put(String name, String body, int status, String type, String field) {
        return new Case(name, "PUT", "/meters/" + ID, "application/json", body, status, type, field, null);
    }

    static Case importing(String name, String body, int status, String type, String field, Integer line) {
        return new Case(name, "POST", "/meters/import", "application/json", body, status, type, field, line);
    }

    static Stream<Case> cases() {
        String good = meter(ID);
        return Stream.of(
                new Case("GET /meters negative offset", "GET", "/meters?offset=-1", null, null, 400, "invalid-field", "offset", null),
                new Case("GET /meters limit 0", "GET", "/meters?limit=0", null, null, 400, "invalid-field", "limit", null),
                new Case("GET /meters limit not a number", "GET", "/meters?limit=many", null, null, 400, "wrong-type", "limit", null),
                new Case("GET /meters/{id} unknown", "GET", "/meters/" + ID, null, null, 404, "not-found", "meterId", null),
                new Case("GET unknown path", "GET", "/no-such-thing", null, null, 404, "not-found", null, null),
                new Case("DELETE /meters/{id} not allowed", "DELETE", "/meters/" + ID, null, null, 405, "method-not-allowed", null, null),
                put("PUT not JSON", "meter please", 400, "malformed-json", "$"),
                put("PUT JSON ends early", "{\"meterId\": \"" + ID + "\",\n \"port\": ", 400, "malformed-json", "port"),
                put("PUT port a string", good.replace("4059", "\"forty\""), 400, "wrong-type", "port"),
                put("PUT port a fraction", good.replace("4059", "40.5"), 400, "wrong-type", "port"),
                put("PUT port a numeric string", good.replace("4059", "\"4059\""), 400, "wrong-type", "port"),
                put("PUT vendor a number", good.replace("\"aurora-ax1\"", "12"), 400, "wrong-type", "vendor"),
                put("PUT vendor longer than stored", good.replace("aurora-ax1", "v".repeat(65)), 400, "invalid-field", "vendor"),
                put("PUT transport unknown", good.replace("TCP_WRAPPER", "CARRIER_PIGEON"), 400, "wrong-type", "transport"),
                put("PUT body an array", "[" + good + "]", 400, "wrong-type", "$"),
                put("PUT unknown field", good.replace("\"vendor\"", "\"vendr\""), 400, "unknown-field", "vendr"),
                put("PUT vendor missing", good.replace("\"vendor\":\"aurora-ax1\",", ""), 400, "invalid-field", "vendor"),
                put("PUT port out of range", good.replace("4059", "70000"), 400, "invalid-field", "port"),
                put("PUT no body", "", 400, "missing-body", "$"),
                put("PUT JSON null", "null", 400, "missing-body", "$"),
                put("PUT id differs from path", meter(RUN + "2"), 400, "invalid-request", "meterId"),
                new Case("PUT id not an id", "PUT", "/meters/" + RUN + "%20x", "application/json", meter(RUN + " x"), 400,
                        "invalid-field", "meterId", null),
                new Case("PUT text/plain", "PUT", "/meters/" + ID, "text/plain", good, 415, "unsupported-media-type", null, null),
                put("PUT oversize", good.replace("\"aurora-ax1\"", "\"" + "a".repeat(70_000) + "\""), 413, "payload-too-large", "$"),
                importing("import not JSON", "meters", 400, "malformed-json", "$", 1),
                importing("import ends early", "{\"meters\":[\n" + meter(RUN + "3").replace("\n", "") + ",\n{\"meterId\":", 400,
                        "malformed-json", "$", 3),
                importing("import wrong type on line 3", "{\"meters\":[\n" + meter(RUN + "3").replace("\n", "") + ",\n"
                        + meter(RUN + "4").replace("\n", "").replace("4059", "\"x\"") + "\n]}", 400, "invalid-field", "meters[1].port", 3),
                importing("import vendor missing", "{\"meters\":[\n" + meter(RUN + "3").replace("\n", "")
                        .replace("\"vendor\":\"aurora-ax1\",", "") + "\n]}", 400, "invalid-field", "meters[0].vendor", 2),
                importing("import unknown field", "{\"meters\":[\n" + meter(RUN + "3").replace("\n", "")
                        .replace("\"vendor\"", "\"vendr\"") + "\n]}", 400, "invalid-field", "meters[0].vendr", 2),
                importing("import duplicate id", "{\"meters\":[\n" + meter(RUN + "3").replace("\n", "") + ",\n"
                        + meter(RUN + "3").replace("\n", "") + "\n]}", 400, "invalid-field", "meters[1].meterId", 3),
                importing("import not an object", "[]", 400, "invalid-request", "$", 1),
                importing("import without meters", "{}", 400, "invalid-request", "$", 1),
                importing("import unknown top-level field", "{\"meterz\": []}", 400, "unknown-field", "meterz", 1),
                importing("import no body", "", 400, "missing-body", "$", null),
                new Case("import text/plain", "POST", "/meters/import", "text/plain", "{\"meters\":[]}", 415,
                        "unsupported-media-type", null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badRequestGetsASpecificProblemAndWritesNothing(Case c) {
        RequestSpecification request = given().urlEncodingEnabled(false);
        if (c.contentType() != null) {
            request.contentType(c.contentType() + "; charset=UTF-8").body(c.body());
        }
        var answer = assertProblem(request.request(c.method(), c.path()).then(), c.status(), c.type(), c.field());
        if (c.line() != null) {
            answer.body("errors[0].line", equalTo(c.line()));
        }
        assertNothingWritten();
    }

    @Test
    void aBodyDeclaredLargerThanTheImportLimitIsRefusedBeforeItIsSent() throws Exception {
        String answer = BadRequests.declareBody(RestAssured.port, "POST", "/meters/import", "application/json", 65L << 20, 10_000);
        assertThat(answer).startsWith("HTTP/1.1 413").contains(BadRequests.PROBLEM_JSON)
                .contains("urn:amihes:problem:payload-too-large").contains("67108864");
        // the import's own limit, not the default of every other endpoint
        String small = BadRequests.declareBody(RestAssured.port, "POST", "/meters/import", "application/json", 1L << 20, 1_000);
        assertThat(small).as("a 1 MB import is waited for, not refused").isEmpty();
        String put = BadRequests.declareBody(RestAssured.port, "PUT", "/meters/" + ID, "application/json", 65L << 10, 10_000);
        assertThat(put).startsWith("HTTP/1.1 413").contains("65536");
        assertNothingWritten();
    }

    @Test
    void aChunkedBodyOverTheEndpointsLimitIsRefusedWithTheSameProblem() throws Exception {
        // no Content-Length to check first: refused once 64 KiB + 1 bytes came, for the endpoint's own limit (64 KiB),
        // not the service's largest (the import's 64 MB)
        byte[] over = meter(ID).replace("\"aurora-ax1\"", "\"" + "a".repeat(70_000) + "\"")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(over.length).isGreaterThan(65_536);
        String put = BadRequests.sendChunked(RestAssured.port, "PUT", "/meters/" + ID, "application/json", over, 8192, 10_000);
        assertThat(put).startsWith("HTTP/1.1 413").contains(BadRequests.PROBLEM_JSON)
                .contains("urn:amihes:problem:payload-too-large").contains("65536");
        String command = BadRequests.sendChunked(RestAssured.port, "POST", "/meters/" + ID + "/commands", "application/json",
                ("{\"type\": \"" + "x".repeat(65_537) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8), 4096,
                10_000);
        assertThat(command).startsWith("HTTP/1.1 413").contains("urn:amihes:problem:payload-too-large");
        assertNothingWritten();
    }

    @Test
    void aChunkedBodyWithinTheLimitReachesTheEndpointWhole() throws Exception {
        String id = RUN.replace("BI", "BC") + "chunked";
        byte[] body = meter(id).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String answer = BadRequests.sendChunked(RestAssured.port, "PUT", "/meters/" + id, "application/json", body, 7, 10_000);
        assertThat(answer).startsWith("HTTP/1.1 201").contains("\"meterId\":\"" + id + "\"");
        assertThat(TestDatabase.count("select count(*) from association.meter where meter_id = ?", id)).isEqualTo(1);
    }

    @Test
    void puttingAMeterTwiceHasOneEffect() {
        String id = RUN.replace("BI", "BJ") + "twice";
        given().contentType(ContentType.JSON).body(meter(id)).put("/meters/" + id).then().statusCode(201);
        long updatedAt = updatedAt(id);
        given().contentType(ContentType.JSON).body(meter(id)).put("/meters/" + id).then().statusCode(200)
                .body("meterId", equalTo(id)).body("port", equalTo(4059));
        assertThat(TestDatabase.count("select count(*) from association.meter where meter_id = ?", id)).isEqualTo(1);
        assertThat(updatedAt(id)).as("an identical PUT changes nothing").isEqualTo(updatedAt);
    }

    @Test
    void importingTwiceHasOneEffect() {
        List<String> ids = RegistryImportTest.ids(RUN.replace("BI", "BK"), 3);
        given().contentType(ContentType.JSON).body(RegistryImportTest.registry(ids, 4059)).post("/meters/import")
                .then().statusCode(200).body("created", equalTo(3));
        long updatedAt = updatedAt(ids.get(0));
        given().contentType(ContentType.JSON).body(RegistryImportTest.registry(ids, 4059)).post("/meters/import")
                .then().statusCode(200).body("created", equalTo(0)).body("updated", equalTo(0)).body("unchanged", equalTo(3));
        assertThat(TestDatabase.count("select count(*) from association.meter where meter_id like ?",
                RUN.replace("BI", "BK") + "%")).isEqualTo(3);
        assertThat(updatedAt(ids.get(0))).isEqualTo(updatedAt);
    }

    private static long updatedAt(String id) {
        return TestDatabase.count("select (extract(epoch from updated_at) * 1000000)::bigint from association.meter "
                + "where meter_id = ?", id);
    }

    private static void assertNothingWritten() {
        assertThat(TestDatabase.count("select count(*) from association.meter where meter_id like ?", RUN + "%"))
                .as("meters written by bad requests").isZero();
        assertThat(TestDatabase.count("select count(*) from association.outbox where position(? in convert_from(payload, 'UTF8')) > 0",
                RUN)).as("registry events of bad requests").isZero();
    }
}
