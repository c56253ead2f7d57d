package org.amihes.security.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.amihes.service.testing.TestDatabase;
import org.junit.jupiter.api.Test;

@QuarkusTest
class InvocationCounterResourceTest {

    private static final String KEY = "4845533030303031-suite0";
    /** 2^32: the DLMS invocation counter is unsigned 32 bits (Green Book, security header). */
    private static final long COUNTER_SPACE = 4_294_967_296L;

    @Test
    void windowsFollowEachOtherFromOne() {
        String meter = uniqueMeter();
        reserve(meter, KEY, "{\"count\": 100}").statusCode(200)
                .body("meterId", equalTo(meter)).body("keyId", equalTo(KEY))
                .body("first", equalTo(1)).body("limit", equalTo(101));
        reserve(meter, KEY, "{\"count\": 50}").statusCode(200)
                .body("first", equalTo(101)).body("limit", equalTo(151));
        given().get("/meters/" + meter + "/invocation-counters").then().statusCode(200)
                .body("keyId", equalTo(List.of(KEY))).body("next", equalTo(List.of(151)));
    }

    @Test
    void keysOfAMeterCountApart() {
        String meter = uniqueMeter();
        reserve(meter, KEY, "{\"count\": 10}").statusCode(200).body("first", equalTo(1));
        reserve(meter, "4845533030303031-suite2", "{\"count\": 10}").statusCode(200).body("first", equalTo(1));
        reserve(uniqueMeter(), KEY, "{\"count\": 10}").statusCode(200).body("first", equalTo(1));
    }

    @Test
    void aResynchronisedCounterRaisesTheWindowButALowerBoundNeverLowersIt() {
        String meter = uniqueMeter();
        // the meter's frame counter said 5000: the window starts at 5001
        reserve(meter, KEY, "{\"count\": 10, \"atLeast\": 5001}").statusCode(200)
                .body("first", equalTo(5001)).body("limit", equalTo(5011));
        // a holder that only knows of 20 still gets counters above everything handed out
        reserve(meter, KEY, "{\"count\": 10, \"atLeast\": 20}").statusCode(200)
                .body("first", equalTo(5011)).body("limit", equalTo(5021));
    }

    @Test
    void concurrentReservationsNeverOverlap() throws Exception {
        String meter = uniqueMeter();
        int holders = 16;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<long[]>> windows = new ArrayList<>();
            for (int i = 0; i < holders; i++) {
                int count = 10 + i; // different sizes, so an overlap cannot hide behind equal steps
                windows.add(pool.submit(() -> {
                    var body = reserve(meter, KEY, "{\"count\": " + count + "}").statusCode(200).extract();
                    return new long[] {body.<Number>path("first").longValue(), body.<Number>path("limit").longValue()};
                }));
            }
            List<long[]> got = new ArrayList<>();
            for (Future<long[]> w : windows) {
                got.add(w.get(30, TimeUnit.SECONDS));
            }
            got.sort(Comparator.comparingLong(w -> w[0]));
            long expectedFirst = 1;
            for (long[] w : got) {
                assertThat(w[0]).as("windows are disjoint and leave no gap").isEqualTo(expectedFirst);
                expectedFirst = w[1];
            }
            long total = 0;
            for (int i = 0; i < holders; i++) {
                total += 10 + i;
            }
            assertThat(expectedFirst).isEqualTo(1 + total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theCounterSpaceRunsOutWithAConflictAndKeepsWhatWasStored() {
        String meter = uniqueMeter();
        long nearTheEnd = COUNTER_SPACE - 100;
        reserve(meter, KEY, "{\"count\": 50, \"atLeast\": " + nearTheEnd + "}").statusCode(200);
        reserve(meter, KEY, "{\"count\": 51}").statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("change the key"));
        given().get("/meters/" + meter + "/invocation-counters").then()
                .body("next", equalTo(List.of(nearTheEnd + 50)));
        // exactly the rest of the space is still there
        reserve(meter, KEY, "{\"count\": 50}").statusCode(200).body("limit", equalTo(COUNTER_SPACE));
    }

    @Test
    void badRequestsNameWhatIsWrong() {
        String meter = uniqueMeter();
        reserve(meter, KEY, "{\"count\": 0}").statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("count"));
        reserve(meter, KEY, "{}").statusCode(400).body("errors.field", hasItem("count"));
        reserve(meter, KEY, "{\"count\": 1, \"atLeast\": " + COUNTER_SPACE + "}").statusCode(400)
                .body("errors.field", hasItem("atLeast"));
        reserve(meter, KEY, "{\"count\": 1, \"from\": 3}").statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("from"));
        reserve(meter, "no spaces", "{\"count\": 1}").statusCode(400).contentType("application/problem+json");
        reserve(meter, KEY, "{\"count\": ").statusCode(400).body("title", equalTo("Malformed JSON"));
        // nothing above was stored
        given().get("/meters/" + meter + "/invocation-counters").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void aBatchReservesAsOneByOneWouldInTheOrderAsked() {
        String a = uniqueMeter();
        String b = uniqueMeter();
        reserve(a, KEY, "{\"count\": 100}").statusCode(200).body("limit", equalTo(101));
        String body = """
                {"count": 10, "reservations": [
                  {"meterId": "%s", "keyId": "%s"},
                  {"meterId": "%s", "keyId": "%s", "atLeast": 5001},
                  {"meterId": "%s", "keyId": "%s"},
                  {"meterId": "%s", "keyId": "4845533030303031-suite2", "atLeast": 7}
                ]}""".formatted(a, KEY, b, KEY, a, KEY, a);
        reserveAll(body).statusCode(200)
                .body("windows.meterId", equalTo(List.of(a, b, a, a)))
                // a continues above what it had; asked twice in one request, it gets two windows, one after the other
                .body("windows[0].window.first", equalTo(101)).body("windows[0].window.limit", equalTo(111))
                .body("windows[2].window.first", equalTo(111)).body("windows[2].window.limit", equalTo(121))
                // b is new: its window starts at its lower bound
                .body("windows[1].window.first", equalTo(5001)).body("windows[1].window.limit", equalTo(5011))
                .body("windows[3].window.first", equalTo(7)).body("windows[3].window.limit", equalTo(17))
                .body("windows.refused", equalTo(java.util.Arrays.asList(null, null, null, null)));
        // one by one continues where the batch ended
        reserve(a, KEY, "{\"count\": 1}").statusCode(200).body("first", equalTo(121));
        reserve(b, KEY, "{\"count\": 1}").statusCode(200).body("first", equalTo(5011));
    }

    /**
     * Issue 16: a batch sent again is not answered with its windows again (a meter refuses a counter it has seen): each
     * meter and key's second window starts where its first ended, no overlap and no gap, and the stored next counter
     * is its lower bound plus both windows.
     */
    @Test
    void theSameBatchTwiceGetsTheNextWindowsNeverTheSameOnes() {
        String a = uniqueMeter();
        String b = uniqueMeter();
        String c = uniqueMeter();
        String suite2 = "4845533030303031-suite2";
        int count = 25;
        List<String> meters = List.of(a, a, b, c);
        List<String> keys = List.of(KEY, suite2, KEY, KEY);
        long[] atLeast = {1, 7, 5001, 1}; // the first and the last name none: 1
        String body = """
                {"count": %d, "reservations": [
                  {"meterId": "%s", "keyId": "%s"},
                  {"meterId": "%s", "keyId": "%s", "atLeast": 7},
                  {"meterId": "%s", "keyId": "%s", "atLeast": 5001},
                  {"meterId": "%s", "keyId": "%s"}
                ]}""".formatted(count, a, KEY, a, suite2, b, KEY, c, KEY);
        var first = reserveAll(body).statusCode(200).extract().jsonPath();
        var second = reserveAll(body).statusCode(200).extract().jsonPath();
        for (int i = 0; i < meters.size(); i++) {
            String w = "windows[" + i + "]";
            for (var answer : List.of(first, second)) {
                assertThat(answer.getString(w + ".meterId")).isEqualTo(meters.get(i));
                assertThat(answer.getString(w + ".keyId")).isEqualTo(keys.get(i));
                assertThat(answer.getString(w + ".refused")).isNull();
            }
            assertThat(first.getLong(w + ".window.first")).as(w).isEqualTo(atLeast[i]);
            assertThat(first.getLong(w + ".window.limit")).as(w).isEqualTo(atLeast[i] + count);
            assertThat(second.getLong(w + ".window.first")).as(w + " again: where the first ended")
                    .isEqualTo(atLeast[i] + count);
            assertThat(second.getLong(w + ".window.limit")).as(w).isEqualTo(atLeast[i] + 2L * count);
            assertThat(TestDatabase.count("select next_counter from security.invocation_counter where meter_id = ? "
                    + "and key_id = ?", meters.get(i), keys.get(i))).as(w + " stored").isEqualTo(atLeast[i] + 2L * count);
        }
        assertThat(TestDatabase.count("select count(*) from security.invocation_counter where meter_id in (?, ?, ?)",
                a, b, c)).as("one row per meter and key, whatever the repeats").isEqualTo(4);
    }

    @Test
    void aKeyAtTheEndOfItsCounterSpaceIsRefusedAloneInABatch() {
        String full = uniqueMeter();
        String fine = uniqueMeter();
        reserve(full, KEY, "{\"count\": 50, \"atLeast\": " + (COUNTER_SPACE - 100) + "}").statusCode(200);
        reserveAll("""
                {"count": 60, "reservations": [{"meterId": "%s", "keyId": "%s"}, {"meterId": "%s", "keyId": "%s"}]}"""
                .formatted(fine, KEY, full, KEY)).statusCode(200)
                .body("windows[0].window.first", equalTo(1)).body("windows[0].window.limit", equalTo(61))
                .body("windows[1].window", org.hamcrest.Matchers.nullValue())
                .body("windows[1].refused", containsString("change the key"));
        given().get("/meters/" + full + "/invocation-counters").then().body("next", equalTo(List.of(COUNTER_SPACE - 50)));
    }

    @Test
    void aThousandReservationsInOneRequestAndNoMore() {
        String prefix = uniqueMeter();
        StringBuilder body = new StringBuilder("{\"count\": 1000, \"reservations\": [");
        for (int i = 0; i < 1000; i++) {
            body.append(i == 0 ? "" : ",").append("{\"meterId\": \"").append(prefix).append('-').append(i)
                    .append("\", \"keyId\": \"").append(KEY).append("\"}");
        }
        var answer = reserveAll(body + "]}").statusCode(200).extract().jsonPath();
        assertThat(answer.getList("windows")).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(answer.getString("windows[" + i + "].meterId")).isEqualTo(prefix + "-" + i);
            assertThat(answer.getLong("windows[" + i + "].window.first")).isEqualTo(1);
            assertThat(answer.getLong("windows[" + i + "].window.limit")).isEqualTo(1001);
        }
        StringBuilder tooMany = new StringBuilder("{\"count\": 1, \"reservations\": [");
        for (int i = 0; i < 10_000; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{\"meterId\": \"").append(prefix).append("-x").append(i)
                    .append("\", \"keyId\": \"").append(KEY).append("\"}");
        }
        reserveAll(tooMany + "]}").statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem(containsString("reservations")));
        reserveAll("{\"count\": 1, \"reservations\": []}").statusCode(400);
        reserveAll("{\"reservations\": [{\"meterId\": \"m\", \"keyId\": \"k\"}]}").statusCode(400)
                .body("errors.field", hasItem(containsString("count")));
        given().get("/meters/" + prefix + "-x0/invocation-counters").then().statusCode(200).body("size()", equalTo(0));
        given().contentType(ContentType.JSON).body("{\"count\": 1, \"reservations\": [{\"meterId\": \"m\", "
                        + "\"keyId\": \"k\"}]}").header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.admin())
                .post("/invocation-counters/reservations").then().statusCode(403);
    }

    private static ValidatableResponse reserveAll(String body) {
        return given().contentType(ContentType.JSON).body(body).header("Authorization", "Bearer "
                        + org.amihes.service.testing.TestTokens.client("association-service"))
                .post("/invocation-counters/reservations").then();
    }

    private static ValidatableResponse reserve(String meter, String key, String body) {
        return given().contentType(ContentType.JSON).body(body).header("Authorization", "Bearer "
                        + org.amihes.service.testing.TestTokens.client("association-service")) // only its client reserves
                .post("/meters/" + meter + "/invocation-counters/" + key + "/reservations").then();
    }

    private static String uniqueMeter() {
        return "ic-" + UUID.randomUUID();
    }
}
