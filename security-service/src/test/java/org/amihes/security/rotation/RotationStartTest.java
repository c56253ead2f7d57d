package org.amihes.security.rotation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.amihes.security.keys.KeyImportTest;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.MeterSpec;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, bulk rotation of a group: 10,000 meters get a PENDING version each and a key-transfer job, in one request;
 * asking again resends the same versions (never a third); a meter without keys is named, not dropped. The transfer
 * and confirmation against meters are KeyRotationIT's (e2e-tests).
 */
@QuarkusTest
class RotationStartTest {

    @Test
    void tenThousandMetersGetOnePendingVersionEachHoweverOftenAsked() throws Exception {
        Fleet fleet = KeyImportTest.fleet(10_000);
        KeyImportTest.importFile(KeyImportTest.keysFile(fleet)).statusCode(200).body("imported", equalTo(10_000));
        List<String> ids = new ArrayList<>(fleet.meters().stream().map(MeterSpec::meterId).toList());
        ids.add("NO-KEYS-" + ids.get(0));

        String batch = given().contentType("application/json")
                // the realm's demo user security-officer; X-Actor is a forgery that must not reach the key events
                .header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.user("security-officer"))
                .header("X-Actor", "key-officer")
                .body(Map.of("meterIds", ids)).post("/keys/rotations").then().statusCode(202)
                .body("meters", equalTo(10_001)).body("sent", equalTo(10_000)).body("withoutKeys", equalTo(1))
                .extract().path("batchId");
        JsonPath progress = given().get("/keys/rotations/" + batch).then().statusCode(200).extract().jsonPath();
        assertThat(progress.getInt("byState.TRANSFER_SENT")).isEqualTo(10_000);
        assertThat(progress.getInt("byState.FAILED")).isEqualTo(1);
        assertThat(progress.getBoolean("done")).isFalse();
        assertThat(progress.getString("failures[0].failure")).contains("has no active keys");

        given().contentType("application/json").body(Map.of("meterIds", ids.subList(0, 10_000))).post("/keys/rotations")
                .then().statusCode(202).body("sent", equalTo(10_000));
        for (int i : new int[] {0, 1, 2, 3, 9_999}) {
            given().get("/meters/" + ids.get(i) + "/keys").then().statusCode(200)
                    .body("version", equalTo(List.of(2, 1))).body("state", equalTo(List.of("PENDING", "ACTIVE")));
        }
        given().queryParam("meterId", ids.get(5)).get("/keys/events").then().statusCode(200)
                .body("findAll { it.event == 'ROTATION_STARTED' }.size()", equalTo(1))
                .body("find { it.event == 'ROTATION_STARTED' }.actor", equalTo("security-officer"));
        given().get("/keys/rotations/" + java.util.UUID.randomUUID()).then().statusCode(404);
    }
}
