package org.amihes.association;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
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
import org.amihes.service.testing.BrokerLink;
import org.amihes.service.testing.BrokerLinkResource;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 with issue 16: an interoperability run started while the broker is unreachable. The run and its targets are
 * stored and answered at once; its jobs are not confirmed, so nothing reaches a meter while the broker is away. When it
 * is back, the sweep publishes the run's PENDING meters again and the run completes, each meter probed exactly once
 * (the simulator's session count). The application's broker connections go through a {@link BrokerLink}; the sweep
 * runs every second here (a run unconfirmed for six sweeps is published again).
 */
@QuarkusTest
@TestProfile(InteropRunBrokerOutageTest.FastSweep.class)
@WithTestResource(BrokerLinkResource.class)
class InteropRunBrokerOutageTest {

    static final Instant NOW = Instant.parse("2026-06-15T08:00:00Z");

    public static class FastSweep implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hes.commands.republish-after", "1s");
        }
    }

    @BrokerLinkResource.InjectBrokerLink
    BrokerLink brokerLink;

    static Vertx vertx;
    static FleetSimulator simulator;

    @BeforeAll
    static void start() throws Exception {
        String prefix = "IO" + UUID.randomUUID().toString().substring(0, 6) + "-";
        Fleet fleet = Fleet.generate(2, List.of("aurora-ax1", "borealis-b7"), 43, "127.23.0.1", InteropRunTest.freePort())
                .withIdPrefix(prefix);
        vertx = Vertx.vertx();
        simulator = FleetSimulator.start(vertx, fleet, Clock.fixed(NOW, ZoneOffset.UTC), "0.0.0.0")
                .toCompletionStage().toCompletableFuture().get();
    }

    @AfterAll
    static void stop() throws Exception {
        simulator.close();
        vertx.close();
    }

    @Test
    void aRunStartedWhileTheBrokerIsUnreachableCompletesWhenItIsBackEachMeterProbedOnce() throws Exception {
        List<String> ids = simulator.fleet().meters().stream().map(MeterSpec::meterId).toList();
        TestMeters.registerPublic(simulator.fleet().meters());
        // the job consumers are connected: what the broker is given is delivered
        long ready = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (given().get("/q/health/ready").statusCode() != 200 && System.nanoTime() < ready) {
            Thread.sleep(100);
        }
        Map<String, Long> sessions = new HashMap<>();
        ids.forEach(id -> sessions.put(id, simulator.meterState(id).sessions()));

        brokerLink.cut();
        String runId;
        Instant mended;
        try {
            runId = given().contentType(ContentType.JSON).body(Map.of("meterIds", ids, "cases", List.of("objects.clock")))
                    .post("/interop/runs").then().statusCode(202).extract().path("runId");
            Thread.sleep(8_000); // past the six sweeps after which an unconfirmed run is published again: still no broker
            JsonPath during = given().get("/interop/runs/" + runId).then().statusCode(200).extract().jsonPath();
            assertThat(during.getString("status")).isEqualTo("RUNNING");
            assertThat(during.getInt("pending")).isEqualTo(ids.size());
            assertThat(during.getString("publishedAt")).as("no broker confirmed the run's jobs").isNull();
            ids.forEach(id -> assertThat(simulator.meterState(id).sessions()).as(id + " contacted without a job")
                    .isEqualTo(sessions.get(id)));
        } finally {
            mended = Instant.now();
            brokerLink.mend();
        }
        JsonPath run = InteropRunTest.awaitEnd(runId, Duration.ofSeconds(90));
        assertThat(run.getString("status")).isEqualTo("DONE");
        assertThat(run.getInt("done")).isEqualTo(ids.size());
        assertThat(Instant.parse(run.getString("publishedAt"))).as("confirmed once the broker was back")
                .isAfter(mended);
        Thread.sleep(3_000); // a job published twice (the sweep again, a resend) would have been delivered by now
        // the clock case reads the clock in one association: one session per meter, not two
        ids.forEach(id -> assertThat(simulator.meterState(id).sessions() - sessions.get(id)).as(id + " sessions")
                .isEqualTo(1));
        List<String> audit = Files.readAllLines(Path.of("target/interop_audit.log"));
        for (String id : ids) {
            assertThat(audit.stream().filter(l -> l.contains("\"INTEROP_PROBE\"") && l.contains(runId)
                    && l.contains("\"" + id + "\"") && !l.contains("already DONE"))).as(id + " probed").hasSize(1);
        }
        JsonPath results = given().get("/interop/runs/" + runId + "/results").then().statusCode(200).extract().jsonPath();
        for (int i = 0; i < ids.size(); i++) {
            assertThat(results.getString("meters[" + i + "].cases[0].case")).isEqualTo("objects.clock");
            assertThat(results.getString("meters[" + i + "].cases[0].verdict")).isEqualTo("PASS");
        }
    }
}
