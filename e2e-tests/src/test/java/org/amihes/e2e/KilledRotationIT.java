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
    static Vertx vertx;
    static FleetSimulator simulator;
    static ServiceProcess security;
    static ServiceProcess association;
    static ServiceProcess polling;
    static Map<String, String> assocSettings;
    static final int METERS = 60;

    @BeforeAll
    static void startSystem() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Fleet fleet = Fleet.generate(METERS, List.of("aurora-ax1", "borealis-b7"), SEED, "127.6.4.1", ServiceProcess.freePort())
                .withIdPrefix("KROT-" + run + "-");
        vertx = Vertx.vertx();
        simulator = FleetSimulator.start(vertx, fleet, Clock.fixed(NOW, ZoneOffset.UTC), "0.0.0.0")
                .toCompletionStage().toCompletableFuture().get();
        Path dir = Files.createDirectories(Path.of("target", "killed-rotation-" + run));
        Path registry = dir.resolve("meter_registry.json");
        Path profiles = dir.resolve("security_profiles.json");
        Path keys = dir.resolve("meter_keys.json");
        fleet.writeSecurityProfiles(profiles);
        fleet.writeRegistry(registry, true);
        fleet.writeKeys(keys);

        security = E2eStack.startSecurity();
        for (JsonNode profile : JSON.readTree(profiles.toFile()).get("profiles")) {
            given().baseUri(security.url()).contentType(ContentType.JSON).body(profile.toString())
                    .put("/security-profiles/" + profile.get("name").asText()).then()
                    .statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        }
        given().baseUri(security.url()).contentType(ContentType.JSON).body(keys.toFile()).post("/keys/import")
                .then().statusCode(200);
        Map<String, String> assoc = new HashMap<>(E2eStack.associationWithKeys(security));
        assocSettings = assoc;
        assoc.put("hes.registry.file", registry.toAbsolutePath().toString());
        assoc.put("hes.audit.file", dir.resolve("interop_audit.log").toAbsolutePath().toString());
        assoc.put("hes.sessions.response-timeout", "2s");
        // a few sessions at once, so the kill finds the rotation in its middle
        assoc.put("hes.sessions.max-concurrent", "4");
        association = ServiceProcess.start(ServiceProcess.projectRoot(), "association-service", assoc,
                "association-service-killed-rotation");
        association.awaitReady(Duration.ofSeconds(90));
        polling = ServiceProcess.start(ServiceProcess.projectRoot(), "polling-service", new HashMap<>(E2eStack.polling()),
                "polling-service-killed-rotation");
        polling.awaitReady(Duration.ofSeconds(90));
        E2eStack.purgeQueues();
    }

    @AfterAll
    static void stopSystem() throws Exception {
        for (ServiceProcess p : new ServiceProcess[] {polling, association, security}) {
            if (p != null) {
                p.close();
            }
        }
        if (simulator != null) {
            simulator.close();
        }
        if (vertx != null) {
            vertx.close();
        }
    }

    @Test
    void aRotationCutByKillMinusNineCompletesAfterTheRestartAndEveryMeterStaysReadable() throws Exception {
        List<String> ids = simulator.fleet().meters().stream().map(MeterSpec::meterId).toList();
        String batch = given().baseUri(security.url()).contentType(ContentType.JSON).body(Map.of("meterIds", ids))
                .post("/keys/rotations").then().statusCode(202).extract().path("batchId");
        // kill once some meters are on the new keys and most are not
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonPath progress = null;
        while (System.nanoTime() < deadline) {
            progress = given().baseUri(security.url()).get("/keys/rotations/" + batch).then().extract().jsonPath();
            Integer active = progress.get("byState.ACTIVE");
            if (active != null && active >= 3) {
                break;
            }
            Thread.sleep(20);
        }
        association.kill();
        JsonPath atKill = given().baseUri(security.url()).get("/keys/rotations/" + batch).then().extract().jsonPath();
        assertThat(atKill.getBoolean("done")).as("killed in the middle: " + atKill.prettify()).isFalse();

        association = ServiceProcess.start(ServiceProcess.projectRoot(), "association-service", assocSettings,
                "association-service-killed-rotation-2");
        association.awaitReady(Duration.ofSeconds(90));
        deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            progress = given().baseUri(security.url()).get("/keys/rotations/" + batch).then().extract().jsonPath();
            if (progress.getBoolean("done")) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(progress.getBoolean("done")).as(progress.prettify()).isTrue();
        assertThat(progress.getInt("byState.ACTIVE")).as(progress.prettify()).isEqualTo(METERS);
        for (MeterSpec m : simulator.fleet().meters()) {
            JsonPath c = given().baseUri(security.url()).header("Authorization", "Bearer " + E2eStack.SERVICE_TOKEN)
                    .queryParam("profile", Fleet.securityProfileName(VendorProfile.load(m.profile())))
                    .get("/meters/" + m.meterId() + "/credentials").then().statusCode(200).extract().jsonPath();
            assertThat(c.getInt("keys[0].version")).as(m.meterId()).isEqualTo(2);
            assertThat(c.getString("keys[0].blockCipherKey")).as(m.meterId() + " holds the ACTIVE key")
                    .isEqualTo(HexFormat.of().formatHex(simulator.currentKeys(m.meterId()).blockCipherKey()));
        }
        String read = given().baseUri(polling.url()).contentType(ContentType.JSON).body(Map.of("meterIds", ids))
                .post("/reads").then().statusCode(202).extract().path("batchId");
        JsonPath reads = null;
        deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            reads = given().baseUri(polling.url()).get("/reads/" + read).then().extract().jsonPath();
            if (reads.getBoolean("done")) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(reads.getInt("ok")).as(reads.prettify()).isEqualTo(METERS);
        for (MeterSpec m : simulator.fleet().meters()) {
            JsonPath r = given().baseUri(polling.url()).get("/meters/" + m.meterId() + "/readings").then()
                    .extract().jsonPath();
            assertThat(new BigDecimal(r.getString("[0].value"))).isEqualByComparingTo(
                    MeterModel.energyValue(m, VendorProfile.load(m.profile()), NOW));
        }
    }
}
