package org.amihes.polling;

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
import org.amihes.service.registry.MeterGroup;
import org.amihes.service.testing.BadRequests;
import org.amihes.service.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 16, "bad input": every endpoint of polling-service × every kind of bad request answers a specific 4xx
 * problem naming the field, and writes nothing: after each case no batch carries the run's idempotency keys and no
 * job names the run's meters (PostgreSQL). A read request repeated with its Idempotency-Key is one batch; the same
 * key for another request is 409. Against the real service, PostgreSQL and RabbitMQ.
 */
@QuarkusTest
class BadInputTest {

    static final String RUN = "BP" + UUID.randomUUID().toString().substring(0, 6) + "-";
    static final String M1 = RUN + "1";
    static final String M2 = RUN + "2";

    record Case(String name, String method, String path, String contentType, String body, String key, int status,
                String type, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    static int keys;

    static Case read(String name, String body, int status, String type, String field) {
        return new Case(name, "POST", "/reads", "application/json", body, RUN + "k" + (++keys), status, type, field);
    }

    static Case get(String name, String path, int status, String type, String field) {
        return new Case(name, "GET", path, null, null, null, status, type, field);
    }

    static Stream<Case> cases() {
        String meters = "\"meterIds\": [\"" + M1 + "\", \"" + M2 + "\"]";
        return Stream.of(
                read("POST /reads not JSON", "read them all", 400, "malformed-json", "$"),
                read("POST /reads ends early in meterIds", "{\"meterIds\": [\"" + M1 + "\",\n", 400, "malformed-json", "meterIds[1]"),
                read("POST /reads meterIds a string", "{\"meterIds\": \"" + M1 + "\"}", 400, "wrong-type", "meterIds"),
                read("POST /reads meterIds of numbers", "{\"meterIds\": [1, 2]}", 400, "wrong-type", "meterIds[0]"),
                read("POST /reads all a string", "{\"all\": \"yes\"}", 400, "wrong-type", "all"),
                read("POST /reads unknown field", "{" + meters + ", \"priority\": 1}", 400, "unknown-field", "priority"),
                read("POST /reads neither meterIds nor all", "{\"registers\": [\"1.0.1.8.0.255\"]}", 400, "invalid-request", "meterIds"),
                read("POST /reads both meterIds and all", "{" + meters + ", \"all\": true}", 400, "invalid-request", "all"),
                read("POST /reads empty meterIds", "{\"meterIds\": []}", 400, "invalid-field", "meterIds"),
                read("POST /reads one meter more than a request may list", ids(MeterGroup.MAX_IDS + 1, RUN), 400,
                        "invalid-field", "meterIds"),
                read("POST /reads meter id not an id", "{\"meterIds\": [\"" + M1 + "\", \"no such id!\"]}", 400, "invalid-field", "meterIds[1]"),
                read("POST /reads duplicate meter", "{\"meterIds\": [\"" + M1 + "\", \"" + M1 + "\"]}", 400, "invalid-request", "meterIds[1]"),
                read("POST /reads register not OBIS", "{" + meters + ", \"registers\": [\"energy\"]}", 400, "invalid-field", "registers[0]"),
                read("POST /reads no body", "", 400, "missing-body", "$"),
                read("POST /reads JSON null", "null", 400, "missing-body", "$"),
                read("POST /reads body an array", "[\"" + M1 + "\"]", 400, "wrong-type", "$"),
                new Case("POST /reads text/plain", "POST", "/reads", "text/plain", "{" + meters + "}", RUN + "k-plain", 415,
                        "unsupported-media-type", null),
                new Case("POST /reads Idempotency-Key too long", "POST", "/reads", "application/json", "{" + meters + "}",
                        RUN + "k".repeat(200), 400, "invalid-field", "Idempotency-Key"),
                new Case("DELETE /reads", "DELETE", "/reads", null, null, null, 405, "method-not-allowed", null),
                get("GET /reads/{id} not a batch id", "/reads/batch-1", 404, "not-found", "batchId"),
                get("GET /reads/{id} unknown", "/reads/" + UUID.randomUUID(), 404, "not-found", "batchId"),
                get("GET readings of an unknown meter", "/meters/" + M1 + "/readings", 404, "not-found", "meterId"),
                get("GET readings from not an instant", "/meters/" + M1 + "/readings?from=yesterday", 400, "wrong-type", "from"),
                get("GET readings to not an instant", "/meters/" + M1 + "/readings?to=2026-13-01", 400, "wrong-type", "to"),
                get("GET readings limit 0", "/meters/" + M1 + "/readings?limit=0", 400, "invalid-field", "limit"),
                get("GET readings limit not a number", "/meters/" + M1 + "/readings?limit=all", 400, "wrong-type", "limit"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badRequestGetsASpecificProblemAndWritesNothing(Case c) {
        RequestSpecification request = given();
        if (c.contentType() != null) {
            request.contentType(c.contentType() + "; charset=UTF-8").body(c.body());
        }
        if (c.key() != null) {
            request.header("Idempotency-Key", c.key());
        }
        assertProblem(request.request(c.method(), c.path()).then(), c.status(), c.type(), c.field());
        assertNothingWritten();
    }

    @Test
    void aBodyDeclaredLargerThanTheReadLimitIsRefusedBeforeItIsSent() throws Exception {
        String answer = BadRequests.declareBody(RestAssured.port, "POST", "/reads", "application/json", 17L << 20, 10_000);
        assertThat(answer).startsWith("HTTP/1.1 413").contains(BadRequests.PROBLEM_JSON)
                .contains("urn:amihes:problem:payload-too-large").contains("16777216");
        assertNothingWritten();
    }

    @Test
    void aReadRepeatedWithItsIdempotencyKeyIsOneBatchAndTheKeyCannotBeReused() {
        String key = "BQ" + UUID.randomUUID();
        String meter = "BQ" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"meterIds\": [\"" + meter + "\"]}";
        String batch = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body).post("/reads")
                .then().statusCode(202).extract().path("batchId");
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body).post("/reads")
                .then().statusCode(200).body("batchId", equalTo(batch)).body("requested", equalTo(1));
        assertProblem(given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body("{\"meterIds\": [\"" + meter + "-other\"]}").post("/reads").then(), 409, "conflict", "Idempotency-Key");
        assertThat(TestDatabase.count("select count(*) from polling.read_batch where idempotency_key = ?", key)).isEqualTo(1);
        assertThat(TestDatabase.count("select count(*) from polling.read_job where meter_id like ?", meter + "%")).isEqualTo(1);
    }

    @Test
    void eightReadsAtOnceUnderOneNewKeyAreOneBatch() {
        String key = "BR" + UUID.randomUUID();
        String meter = "BR" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"meterIds\": [\"" + meter + "\"]}";
        List<java.util.concurrent.CompletableFuture<io.restassured.response.Response>> racing = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            racing.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON)
                    .header("Idempotency-Key", key).body(body).post("/reads")));
        }
        List<io.restassured.response.Response> answers = racing.stream().map(java.util.concurrent.CompletableFuture::join).toList();
        assertThat(answers).extracting(io.restassured.response.Response::statusCode).as("one accepted, the others repeats")
                .containsOnly(202, 200).containsOnlyOnce(202);
        assertThat(answers.stream().map(a -> a.<String>path("batchId")).distinct()).hasSize(1);
        assertThat(TestDatabase.count("select count(*) from polling.read_batch where idempotency_key = ?", key)).isEqualTo(1);
        assertThat(TestDatabase.count("select count(*) from polling.read_job where meter_id = ?", meter)).isEqualTo(1);
    }

    /** {"meterIds": [...]}: {@code n} ids, each {@code prefix} and its number. */
    static String ids(int n, String prefix) {
        StringBuilder body = new StringBuilder(n * (prefix.length() + 10)).append("{\"meterIds\": [");
        for (int i = 0; i < n; i++) {
            body.append(i == 0 ? "\"" : ", \"").append(prefix).append(i).append('"');
        }
        return body.append("]}").toString();
    }

    @Test
    void tenThousandIdsThatAreNoIdsAreAnsweredWithTheFirstHundredAndTheirCount() {
        var answer = given().contentType("application/json").header("Idempotency-Key", RUN + "k-many-bad")
                .body(ids(10_000, "not an id ")).post("/reads").then().statusCode(400)
                .contentType("application/problem+json").extract().jsonPath();
        assertThat(answer.getString("type")).endsWith("invalid-field");
        List<String> fields = answer.getList("errors.field");
        assertThat(fields).as("the first hundred, in order").hasSize(100)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100).mapToObj(i -> "meterIds[" + i + "]")
                        .toList());
        assertThat(answer.getString("detail")).startsWith("10000 invalid values, the first 100: meterIds[0] is not a meter id;");
        assertNothingWritten();
    }

    private static void assertNothingWritten() {
        assertThat(TestDatabase.count("select count(*) from polling.read_batch where idempotency_key like ?", RUN + "%"))
                .as("batches of bad requests").isZero();
        assertThat(TestDatabase.count("select count(*) from polling.read_job where meter_id like ?", RUN + "%"))
                .as("jobs of bad requests").isZero();
    }
}
