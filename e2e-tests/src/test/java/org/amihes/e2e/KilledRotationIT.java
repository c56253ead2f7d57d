package org.amihes.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.simulator.Faults;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, rotation interrupted by a kill -9: association-service dies in the middle of a rotation of a group; the
 * restarted process takes the redelivered key-transfer and key-confirm jobs (a meter that already switched is
 * associated with its other key version), every meter ends ACTIVE on the new version, and every meter is readable.
 */
class KilledRotationIT {

    static final Instant NOW = Instant.parse("2026-11-02T09:00:00Z");
    static final long SEED = 42;
    static final ObjectMapper JSON = new ObjectMapper();
    static final int METERS = 60;
    static SecuredStack stack;

    @BeforeAll
    static void startSystem() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // a few sessions at once, so the kill finds the rotation in its middle
        stack = SecuredStack.start("killed-rotation-" + run, Fleet.generate(METERS, List.of("aurora-ax1", "borealis-b7"),
                SEED, "127.6.4.1", ServiceProcess.freePort()).withIdPrefix("KROT-" + run + "-"), NOW,
                Map.of("hes.sessions.max-concurrent", "4"));
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aRotationCutByKillMinusNineCompletesAfterTheRestartAndEveryMeterStaysReadable() throws Exception {
        List<String> ids = stack.simulator.fleet().meters().stream().map(MeterSpec::meterId).toList();
        String batch = given().baseUri(stack.security.url()).contentType(ContentType.JSON).body(Map.of("meterIds", ids))
                .post("/keys/rotations").then().statusCode(202).extract().path("batchId");
        // kill once some meters are on the new keys and most are not
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonPath progress = null;
        while (System.nanoTime() < deadline) {
            progress = given().baseUri(stack.security.url()).get("/keys/rotations/" + batch).then().extract().jsonPath();
            Integer active = progress.get("byState.ACTIVE");
            if (active != null && active >= 3) {
                break;
            }
            Thread.sleep(20);
        }
        stack.association.kill();
        JsonPath atKill = given().baseUri(stack.security.url()).get("/keys/rotations/" + batch).then().extract().jsonPath();
        assertThat(atKill.getBoolean("done")).as("killed in the middle: " + atKill.prettify()).isFalse();

        stack.restartAssociation("killed-rotation-restarted");
        deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            progress = given().baseUri(stack.security.url()).get("/keys/rotations/" + batch).then().extract().jsonPath();
            if (progress.getBoolean("done")) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(progress.getBoolean("done")).as(progress.prettify()).isTrue();
        assertThat(progress.getInt("byState.ACTIVE")).as(progress.prettify()).isEqualTo(METERS);
        for (MeterSpec m : stack.simulator.fleet().meters()) {
            JsonPath c = stack.credentials(m);
            assertThat(c.getInt("keys[0].version")).as(m.meterId()).isEqualTo(2);
            assertThat(c.getString("keys[0].blockCipherKey")).as(m.meterId() + " holds the ACTIVE key")
                    .isEqualTo(HexFormat.of().formatHex(stack.simulator.currentKeys(m.meterId()).blockCipherKey()));
        }
        JsonPath reads = stack.read(ids, Duration.ofSeconds(60));
        assertThat(reads.getInt("ok")).as(reads.prettify()).isEqualTo(METERS);
        for (MeterSpec m : stack.simulator.fleet().meters()) {
            JsonPath r = given().baseUri(stack.polling.url()).get("/meters/" + m.meterId() + "/readings").then()
                    .extract().jsonPath();
            assertThat(new BigDecimal(r.getString("[0].value"))).isEqualByComparingTo(
                    MeterModel.energyValue(m, VendorProfile.load(m.profile()), NOW));
        }
    }
}
