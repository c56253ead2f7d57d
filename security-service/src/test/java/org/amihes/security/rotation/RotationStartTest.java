package org.amihes.security.rotation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.security.keys.KeyImportTest;
import org.amihes.service.testing.TestDatabase;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.MeterSpec;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, bulk rotation of a group: 10,000 meters get a PENDING version each and a key-transfer job, in one request;
 * asking again resends the same versions (never a third); a meter without keys is named, not dropped. The request is
 * answered once the meters are listed (PREPARING), the versions are made and sent after it (RotationPreparer), also
 * when the process that answered stopped first. The transfer and confirmation against meters are KeyRotationIT's
 * (e2e-tests).
 */
@QuarkusTest
class RotationStartTest {

    @Test
    void tenThousandMetersGetOnePendingVersionEachHoweverOftenAsked() throws Exception {
        Fleet fleet = KeyImportTest.fleet(10_000);
        KeyImportTest.importFile(KeyImportTest.keysFile(fleet)).statusCode(200).body("imported", equalTo(10_000));
        List<String> ids = new ArrayList<>(fleet.meters().stream().map(MeterSpec::meterId).toList());
        ids.add("NO-KEYS-" + ids.get(0));

        var answer = given().contentType("application/json")
                // the realm's demo user security-officer; X-Actor is a forgery that must not reach the key events
                .header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.user("security-officer"))
                .header("X-Actor", "key-officer")
                .body(Map.of("meterIds", ids)).post("/keys/rotations").then().statusCode(202)
                .body("meters", equalTo(10_001)).extract();
        String batch = answer.path("batchId");
        assertThat(answer.header("Location")).endsWith("/keys/rotations/" + batch);
        JsonPath progress = prepared(batch);
        assertThat(progress.getInt("meters")).isEqualTo(10_001);
        assertThat(progress.getInt("byState.TRANSFER_SENT")).isEqualTo(10_000);
        assertThat(progress.getInt("byState.FAILED")).isEqualTo(1);
        assertThat(progress.getBoolean("done")).isFalse();
        assertThat(progress.getString("failures[0].meterId")).isEqualTo(ids.get(10_000));
        assertThat(progress.getString("failures[0].failure")).contains("has no active keys");

        String again = given().contentType("application/json").body(Map.of("meterIds", ids.subList(0, 10_000)))
                .post("/keys/rotations").then().statusCode(202).body("meters", equalTo(10_000)).extract().path("batchId");
        assertThat(prepared(again).getInt("byState.TRANSFER_SENT")).isEqualTo(10_000);
        for (int i : new int[] {0, 1, 2, 3, 9_999}) {
            given().get("/meters/" + ids.get(i) + "/keys").then().statusCode(200)
                    .body("version", equalTo(List.of(2, 1))).body("state", equalTo(List.of("PENDING", "ACTIVE")));
        }
        assertThat(TestDatabase.count("SELECT count(*) FROM security.meter_key WHERE meter_id = ANY (?) "
                + "AND state = 'PENDING'", (Object) ids.toArray(String[]::new))).isEqualTo(10_000);
        given().queryParam("meterId", ids.get(5)).get("/keys/events").then().statusCode(200)
                .body("findAll { it.event == 'ROTATION_STARTED' }.size()", equalTo(1))
                .body("find { it.event == 'ROTATION_STARTED' }.actor", equalTo("security-officer"));
        given().get("/keys/rotations/" + UUID.randomUUID()).then().statusCode(404);
    }

    /**
     * A process that answered a rotation and stopped before preparing it leaves its meters PREPARING: the service that
     * runs next prepares them on its own (the periodic pass; no request wakes it).
     */
    @Test
    void metersLeftPreparingByAStoppedProcessArePreparedWithoutARequest() throws Exception {
        Fleet fleet = KeyImportTest.fleet(300);
        KeyImportTest.importFile(KeyImportTest.keysFile(fleet)).statusCode(200).body("imported", equalTo(300));
        String[] ids = fleet.meters().stream().map(MeterSpec::meterId).toArray(String[]::new);
        UUID batch = UUID.randomUUID();
        // the rows POST /keys/rotations writes before it answers, written here as the stopped process left them
        TestDatabase.sql("INSERT INTO security.key_rotation (batch_id, meter_id, version, state, actor) "
                + "SELECT ?, unnest(?::varchar[]), 0, 'PREPARING', 'security-officer'", batch, ids);

        JsonPath progress = prepared(batch.toString());
        assertThat(progress.getInt("byState.TRANSFER_SENT")).isEqualTo(300);
        assertThat(TestDatabase.count("SELECT count(*) FROM security.key_rotation WHERE batch_id = ? AND version = 2",
                batch)).isEqualTo(300);
        given().get("/meters/" + ids[299] + "/keys").then().statusCode(200)
                .body("version", equalTo(List.of(2, 1))).body("state", equalTo(List.of("PENDING", "ACTIVE")));
    }

    /** The batch's progress once none of its meters is PREPARING any more (at most two minutes). */
    static JsonPath prepared(String batch) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        JsonPath progress;
        do {
            progress = given().get("/keys/rotations/" + batch).then().statusCode(200).extract().jsonPath();
            if (progress.get("byState.PREPARING") == null) {
                return progress;
            }
            assertThat(progress.getBoolean("done")).as("done while meters are PREPARING").isFalse();
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("meters still PREPARING after 2 minutes: " + progress.prettify());
    }
}
