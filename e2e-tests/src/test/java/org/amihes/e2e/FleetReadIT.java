package org.amihes.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton end to end: a simulated multi-vendor fleet, association-service and polling-service as
 * packaged processes, the real RabbitMQ and PostgreSQL. A read request for the whole fleet must store exactly what
 * the simulator holds; a silent meter must come back as a NETWORK failure, not a hang.
 */
class FleetReadIT {

    static final Instant NOW = Instant.parse("2026-09-01T06:30:00Z");
    static final int METERS = 30;
    static Vertx vertx;
    static FleetSimulator simulator;
    static ServiceProcess association;
    static ServiceProcess polling;
    static MeterSpec silent;

    @BeforeAll
    static void startSystem() throws Exception {
        Path root = ServiceProcess.projectRoot();
        E2eStack.purgeQueues(); // jobs an earlier test left for meters that are gone would come first
        String run = UUID.randomUUID().toString().substring(0, 8);
        // Meter ids unique per run: the database outlives runs and readings are keyed by meter and meter time.
        Fleet fleet = Fleet.generate(METERS, VendorProfile.WELL_BEHAVED, 99, "127.6.0.1", ServiceProcess.freePort())
                .withIdPrefix("E2E-" + run + "-");
        silent = fleet.meters().get(7).withFault(MeterSpec.Fault.SILENT);
        fleet = fleet.replace(silent);
        vertx = Vertx.vertx();
        simulator = FleetSimulator.start(vertx, fleet, Clock.fixed(NOW, ZoneOffset.UTC), "0.0.0.0")
                .toCompletionStage().toCompletableFuture().get();
        Path registry = Path.of("target", "meter_registry.json");
        Files.createDirectories(registry.getParent());
        fleet.writeRegistry(registry);

        Map<String, String> assoc = new HashMap<>(E2eStack.association());
        Map<String, String> poll = new HashMap<>(E2eStack.polling());

        assoc.put("hes.registry.file", registry.toAbsolutePath().toString());
        assoc.put("hes.audit.file", Path.of("target", "e2e-logs", "interop_audit.log").toAbsolutePath().toString());
        assoc.put("hes.sessions.response-timeout", "2s");
        association = ServiceProcess.start(root, "association-service", assoc);
        association.awaitReady(Duration.ofSeconds(90));
        polling = ServiceProcess.start(root, "polling-service", poll);
        polling.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (polling != null) {
            polling.close();
        }
        if (association != null) {
            association.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (vertx != null) {
            vertx.close();
        }
    }

    @Test
    void readingTheFleetStoresWhatTheMetersHold() throws Exception {
        List<String> ids = simulator.fleet().meters().stream().map(MeterSpec::meterId).toList();
        String batch = given().baseUri(polling.url()).contentType(ContentType.JSON).body(Map.of("meterIds", ids))
                .post("/reads").then().statusCode(202).body("requested", equalTo(METERS)).extract().path("batchId");

        JsonPath progress = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            progress = given().baseUri(polling.url()).get("/reads/" + batch).then().statusCode(200).extract().jsonPath();
            if (progress.getBoolean("done")) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(progress.getBoolean("done")).as("batch done: " + progress.prettify()).isTrue();
        assertThat(progress.getInt("ok")).isEqualTo(METERS - 1);
        assertThat(progress.getInt("failed")).isEqualTo(1);
        assertThat(progress.getInt("failuresByClass.NETWORK")).isEqualTo(1);

        for (MeterSpec m : simulator.fleet().meters()) {
            JsonPath readings = given().baseUri(polling.url()).get("/meters/" + m.meterId() + "/readings")
                    .then().statusCode(200).extract().jsonPath();
            if (m.fault() == MeterSpec.Fault.SILENT) {
                assertThat(readings.getList("$")).isEmpty();
                continue;
            }
            VendorProfile p = VendorProfile.load(m.profile());
            assertThat(readings.getList("$")).as(m.meterId()).hasSize(1);
            assertThat(new BigDecimal(readings.getString("[0].value"))).as(m.meterId())
                    .isEqualByComparingTo(MeterModel.energyValue(m, p, NOW));
            assertThat(new BigDecimal(readings.getString("[0].raw")))
                    .isEqualByComparingTo(new BigDecimal(MeterModel.energyRaw(m, p, NOW)));
            assertThat(readings.getInt("[0].scaler")).isEqualTo(p.energyScaler());
            assertThat(readings.getString("[0].unit")).isEqualTo("Wh");
            assertThat(Instant.parse(readings.getString("[0].meterTime"))).isEqualTo(NOW);
        }

        String audit = Files.readString(Path.of("target", "e2e-logs", "interop_audit.log"));
        assertThat(audit).contains(silent.meterId()).contains("\"outcome\":\"FAIL\"").contains("DLMS-105");
    }

    @Test
    void unknownMeterIs404AcrossServices() {
        given().baseUri(polling.url()).get("/meters/NOT-A-METER/readings").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("NOT-A-METER"));
        given().baseUri(association.url()).get("/meters/NOT-A-METER").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
