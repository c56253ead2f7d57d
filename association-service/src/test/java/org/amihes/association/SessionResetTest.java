package org.amihes.association;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.ReadRegisters;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.amihes.service.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, "hung association": a meter associates and then answers nothing more, keeping the connection open; with
 * a 30 s response timeout its job would hang that long. {@code POST /meters/{id}/session/reset} ends it at once
 * (the job fails as DLMS-106, not retried), the meter's next job associates anew, without a restart; a reset that
 * another replica asked for (its NOTIFY through PostgreSQL) ends the association here just the same.
 */
@QuarkusTest
@TestProfile(SessionResetTest.PatientSessions.class)
class SessionResetTest {

    /** A response timeout far longer than the test waits: only a reset can end the hung association in time. */
    public static class PatientSessions implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hes.sessions.response-timeout", "30s");
        }
    }

    static final Duration WELL_BEFORE_THE_TIMEOUT = Duration.ofSeconds(10);
    static Vertx vertx;
    static FleetSimulator simulator;
    static TestBroker broker;
    static MeterSpec meter;
    /** a hung meter of its own for the repeated reset, so the audit lines counted are that test's alone */
    static MeterSpec resetTwice;
    static boolean registered;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Fleet fleet = Fleet.generate(3, List.of("aurora-ax1"), 17, "127.6.0.1", port)
                .withIdPrefix("R" + UUID.randomUUID().toString().substring(0, 6) + "-");
        meter = fleet.meters().get(0);
        resetTwice = fleet.meters().get(2);
        vertx = Vertx.vertx();
        simulator = FleetSimulator.start(vertx, fleet.replace(meter.withFault(MeterSpec.Fault.HUNG))
                        .replace(resetTwice.withFault(MeterSpec.Fault.HUNG)),
                Clock.fixed(Instant.parse("2026-06-15T08:00:00Z"), ZoneOffset.UTC), "0.0.0.0")
                .toCompletionStage().toCompletableFuture().get();
        broker = new TestBroker();
    }

    @BeforeEach
    void register() {
        if (registered) {
            return;
        }
        registered = true;
        for (MeterSpec m : simulator.fleet().meters()) {
            given().contentType(ContentType.JSON).body(Map.of("meterId", m.meterId(), "vendor", "aurora-ax1", "host",
                            m.host(), "port", m.port(), "transport", "TCP_WRAPPER", "clientAddress", 16, "logicalDevice", 1,
                            "authentication", "NONE"))
                    .put("/meters/" + m.meterId()).then().statusCode(201);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
        simulator.close();
        vertx.close();
    }

    @Test
    void aResetEndsTheHungAssociationAndTheMeterIsReadAfterwards() throws Exception {
        long sessionsBefore = simulator.meterState(meter.meterId()).sessions();
        MeterJob hung = job();
        broker.publishJob(hung);
        awaitOpen(meter.meterId());

        long t0 = System.nanoTime();
        // until the head-end has the association open (connected, AARE in): then the reset finds and ends it
        JsonPath reset = null;
        while (System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos()) {
            // the realm's demo user operator; X-Actor is a forgery the service ignores
            reset = given().header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.user("operator"))
                    .header("X-Actor", "operator-anna").post("/meters/" + meter.meterId() + "/session/reset")
                    .then().statusCode(200).extract().jsonPath();
            if (reset.getBoolean("closedHere")) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(reset.getBoolean("closedHere")).as("a reset found the open association").isTrue();
        assertThat(reset.getString("requestedBy")).isEqualTo("operator");

        MeterJobResult result = broker.awaitResults(1, WELL_BEFORE_THE_TIMEOUT).get(hung.jobId());
        assertThat(result).as("the hung job's result, long before its 30 s timeout").isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(WELL_BEFORE_THE_TIMEOUT);
        assertThat(result.status()).isEqualTo(MeterJobResult.Status.FAILED);
        assertThat(result.failure().code()).isEqualTo("DLMS-106");
        assertThat(result.failure().failureClass()).isEqualTo("NETWORK");
        assertThat(result.failure().message()).contains("reset by operator ").doesNotContain("operator-anna");
        awaitClosed(meter.meterId());
        assertThat(simulator.meterState(meter.meterId()).sessions() - sessionsBefore).as("DLMS-106 is not retried")
                .isEqualTo(1);

        String audit = Files.readString(Path.of("target/interop_audit.log"));
        assertThat(audit.lines().filter(l -> l.contains("SESSION_RESET") && l.contains(meter.meterId())
                && l.contains("\"requestedBy\":\"operator\"") && l.contains("\"associationClosed\":true"))).hasSize(1);
        assertThat(audit).doesNotContain("operator-anna");

        // the meter recovers: the next job opens a new association, without a restart
        simulator.update(simulator.fleet().replace(meter.withFault(MeterSpec.Fault.NONE)));
        MeterJob next = job();
        broker.publishJob(next);
        MeterJobResult read = broker.awaitResults(1, WELL_BEFORE_THE_TIMEOUT).get(next.jobId());
        assertThat(read).isNotNull();
        assertThat(read.status()).as(String.valueOf(read.failure())).isEqualTo(MeterJobResult.Status.OK);
        simulator.update(simulator.fleet().replace(meter.withFault(MeterSpec.Fault.HUNG)));
    }

    @Test
    void aResetAnotherReplicaAskedForEndsTheAssociationHere() throws Exception {
        simulator.update(simulator.fleet().replace(meter.withFault(MeterSpec.Fault.HUNG)));
        MeterJob hung = job();
        broker.publishJob(hung);
        awaitOpen(meter.meterId());
        // what another replica's SessionResets sends after acting there; again until it lands on the open association
        MeterJobResult result = null;
        long t0 = System.nanoTime();
        while (result == null && System.nanoTime() - t0 < WELL_BEFORE_THE_TIMEOUT.toNanos()) {
            String notice = "{\"resetId\":\"" + UUID.randomUUID() + "\",\"meterId\":\"" + meter.meterId()
                    + "\",\"requestedBy\":\"replica-b-operator\",\"requestedAt\":\"" + Instant.now()
                    + "\",\"fromReplica\":\"another-replica\"}";
            assertThat(TestDatabase.count("SELECT count(*) FROM (SELECT pg_notify(?, ?)) n", "association_session_reset",
                    notice)).isEqualTo(1);
            result = broker.awaitResults(1, Duration.ofMillis(500)).get(hung.jobId());
        }
        assertThat(result).as("the hung job's result after the other replica's reset").isNotNull();
        assertThat(result.failure().code()).isEqualTo("DLMS-106");
        assertThat(result.failure().message()).contains("replica-b-operator");
        awaitClosed(meter.meterId());
    }

    /**
     * Issue 16, a write applied twice has one effect: the first reset ends the hung association, the same reset again
     * finds none (closedHere false) and ends nothing; one audit line says an association was closed, and the meter is
     * read afterwards.
     */
    @Test
    void aResetRepeatedClosesNothingMoreAndTheMeterIsReadAfterwards() throws Exception {
        String meterId = resetTwice.meterId();
        MeterJob hung = job(resetTwice);
        broker.publishJob(hung);
        awaitOpen(meterId);
        JsonPath first = null;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos()) {
            first = given().post("/meters/" + meterId + "/session/reset").then().statusCode(200).extract().jsonPath();
            if (first.getBoolean("closedHere")) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(first.getBoolean("closedHere")).as("the first reset found the open association").isTrue();
        MeterJobResult result = broker.awaitResults(1, WELL_BEFORE_THE_TIMEOUT).get(hung.jobId());
        assertThat(result).as("the hung job's result").isNotNull();
        assertThat(result.failure().code()).isEqualTo("DLMS-106");
        awaitClosed(meterId);

        JsonPath second = given().post("/meters/" + meterId + "/session/reset").then().statusCode(200)
                .extract().jsonPath();
        assertThat(second.getBoolean("closedHere")).as("nothing left to close").isFalse();
        assertThat(second.getString("meterId")).isEqualTo(meterId);
        String firstReset = first.getString("resetId");
        String secondReset = second.getString("resetId");
        assertThat(secondReset).isNotEqualTo(firstReset);

        List<String> resets = Files.readAllLines(Path.of("target/interop_audit.log")).stream()
                .filter(l -> l.contains("SESSION_RESET") && l.contains(meterId)).toList();
        List<String> closed = resets.stream().filter(l -> l.contains("\"associationClosed\":true")).toList();
        assertThat(closed).as("audit lines of a closed association").hasSize(1);
        assertThat(closed.get(0)).contains(firstReset);
        List<String> again = resets.stream().filter(l -> l.contains(secondReset)).toList();
        assertThat(again).as("the repeated reset's audit line").hasSize(1);
        assertThat(again.get(0)).contains("\"associationClosed\":false");

        // the meter recovers: its next job opens a new association and reads it
        simulator.update(simulator.fleet().replace(resetTwice.withFault(MeterSpec.Fault.NONE)));
        MeterJob next = job(resetTwice);
        broker.publishJob(next);
        MeterJobResult read = broker.awaitResults(1, WELL_BEFORE_THE_TIMEOUT).get(next.jobId());
        assertThat(read).as("the read after the resets").isNotNull();
        assertThat(read.status()).as(String.valueOf(read.failure())).isEqualTo(MeterJobResult.Status.OK);
    }

    @Test
    void aResetWithNothingOpenSaysSoAndAnUnknownMeterIs404() {
        MeterSpec idle = simulator.fleet().meters().get(1);
        given().post("/meters/" + idle.meterId() + "/session/reset").then().statusCode(200)
                .body("closedHere", org.hamcrest.Matchers.equalTo(false))
                .body("requestedBy", org.hamcrest.Matchers.equalTo(org.amihes.service.testing.TestTokens.DEFAULT_USER));
        given().post("/meters/NO-SUCH-METER/session/reset").then().statusCode(404)
                .contentType("application/problem+json");
    }

    private static MeterJob job() {
        return job(meter);
    }

    private static MeterJob job(MeterSpec target) {
        String batch = UUID.randomUUID().toString();
        return new MeterJob(batch + "/" + target.meterId(), batch, target.meterId(), Instant.now(),
                new ReadRegisters(List.of(ReadRegisters.ACTIVE_ENERGY_IMPORT)));
    }

    private static void awaitOpen(String meterId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (simulator.associationsOpen(meterId) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(simulator.associationsOpen(meterId)).as("the hung association is open").isEqualTo(1);
    }

    private static void awaitClosed(String meterId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (simulator.associationsOpen(meterId) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(simulator.associationsOpen(meterId)).as("the meter saw its connection closed").isZero();
    }
}
