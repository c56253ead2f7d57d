package org.amihes.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amihes.simulator.Faults;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.SimulatorOptions;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: an association-service replica killed with -9 in the middle of an interoperability run. Its unacked probe
 * jobs go to the survivor (standing by for its partitions); the run still ends DONE with one verdict per meter, every
 * verdict the simulator's model implies (well-behaved vendors pass transport and clock), none lost and none recorded
 * twice; only probes in flight on the killed replica at the kill may reach a meter again.
 */
class KilledInteropReplicaIT {

    static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
    static final int METERS = 200;
    /**
     * Probes a replica runs at once (hes.interop.concurrency): the killed one's in flight may be repeated, and those it
     * finished within one verdict flush (hes.interop.flush-delay, 20 ms here) before the kill: at most another round.
     */
    static final int SLOTS = 8;
    static final List<String> CASES = List.of("transport", "objects.clock");

    @Test
    void aReplicaKilledMidRunLeavesOneVerdictPerMeterAndTheRunEnds() throws Exception {
        E2eStack.purgeQueues();
        Path root = ServiceProcess.projectRoot();
        String prefix = "IKR-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Fleet fleet = Fleet.generate(METERS, VendorProfile.WELL_BEHAVED, 15, "127.15.0.1", ServiceProcess.freePort())
                .withIdPrefix(prefix);
        Vertx vertx = Vertx.vertx();
        // 30 ms ± 5 ms per answer: the run takes seconds, so the kill lands in its middle
        FleetSimulator simulator = FleetSimulator.start(vertx, fleet, Clock.fixed(NOW, ZoneOffset.UTC), "0.0.0.0",
                SimulatorOptions.DEFAULTS.withFaults(Faults.latency(30, 5))).toCompletionStage().toCompletableFuture().get();
        Path registry = Path.of("target", "killed-interop-registry.json");
        Files.createDirectories(registry.getParent());
        fleet.writeRegistry(registry);
        List<ServiceProcess> replicas = new ArrayList<>();
        List<Path> audits = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Map<String, String> props = new HashMap<>(E2eStack.association());
                Path audit = Path.of("target", "e2e-logs", "killed-interop-" + i + "-audit.log").toAbsolutePath();
                Files.createDirectories(audit.getParent());
                Files.deleteIfExists(audit);
                audits.add(audit);
                props.put("hes.audit.file", audit.toString());
                props.put("hes.jobs.ordinal", String.valueOf(i));
                props.put("hes.jobs.replicas", "2");
                props.put("hes.jobs.standby-delay", "1s"); // each replica stands by for the other's partitions
                props.put("hes.interop.concurrency", String.valueOf(SLOTS));
                props.put("hes.interop.flush-delay", "20ms");
                props.put("hes.sessions.response-timeout", "3s");
                if (i == 0) {
                    props.put("hes.registry.file", registry.toAbsolutePath().toString());
                }
                replicas.add(ServiceProcess.start(root, "association-service", props, "killed-interop-" + i));
                replicas.get(i).awaitReady(Duration.ofSeconds(180));
            }
            Thread.sleep(1_500); // both replicas subscribed to every partition (standby-delay)
            List<String> ids = fleet.meters().stream().map(MeterSpec::meterId).toList();
            ServiceProcess survivor = replicas.get(1);
            String runId = given().baseUri(survivor.url()).contentType(ContentType.JSON)
                    .body(Map.of("meterIds", ids, "cases", CASES)).post("/interop/runs").then().statusCode(202)
                    .extract().path("runId");

            // killed once it has recorded some verdicts of the run and the run is far from done
            long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (verdicts(audits.get(0), runId).size() < 10) {
                assertThat(System.nanoTime()).as("replica 0 probes meters of the run").isLessThan(until);
                Thread.sleep(20);
            }
            replicas.get(0).kill();
            int doneAtKill = given().baseUri(survivor.url()).get("/interop/runs/" + runId).then().statusCode(200)
                    .extract().jsonPath().getInt("done");
            assertThat(doneAtKill).as("the kill lands in the middle of the run").isLessThan(METERS);

            JsonPath run = InteropReplicasIT.awaitEnd(survivor, runId, Duration.ofSeconds(300));
            assertThat(run.getString("status")).as(run.prettify()).isEqualTo("DONE");
            assertThat(run.getInt("done")).isEqualTo(METERS);
            assertThat(run.getInt("pending")).isZero();
            assertThat(run.getMap("verdicts")).as(run.prettify()).containsExactly(Map.entry("PASS", METERS));
            JsonPath results = given().baseUri(survivor.url()).get("/interop/runs/" + runId + "/results?limit=1000")
                    .then().statusCode(200).extract().jsonPath();
            assertThat(results.getList("meters.meterId")).as("one row per meter").hasSize(METERS)
                    .containsExactlyInAnyOrderElementsOf(ids);
            assertThat(results.getList("meters.status")).containsOnly("DONE");

            // verdicts audited per meter across both replicas' logs: never two (a job redelivered after its verdict was
            // stored is answered from the row, unprobed); a verdict stored in the instant between the killed replica's
            // commit and its audit line has no line
            Map<String, Integer> recorded = new HashMap<>();
            for (Path audit : audits) {
                verdicts(audit, runId).forEach(m -> recorded.merge(m, 1, Integer::sum));
            }
            assertThat(recorded.values()).as("verdicts audited per meter").containsOnly(1);
            Map<String, Long> perProbe = new HashMap<>();
            for (String id : ids) {
                perProbe.merge(fleet.meter(id).profile(), simulator.meterState(id).sessions(), Math::min);
            }
            List<String> contactedAgain = new ArrayList<>();
            for (String id : ids) {
                // the fewest sessions any meter of its vendor saw is one probe's (every meter was probed at least once)
                if (simulator.meterState(id).sessions() > perProbe.get(fleet.meter(id).profile())) {
                    contactedAgain.add(id);
                }
            }
            System.out.printf("KilledInteropReplicaIT: %d meters, %d done at the kill, %d meters with an audited "
                    + "verdict, %d contacted again%n", METERS, doneAtKill, recorded.size(), contactedAgain.size());
            assertThat(contactedAgain).as("meters probed again: only the killed replica's probes in flight or not yet "
                    + "flushed (at most 2 x " + SLOTS + ")").hasSizeLessThanOrEqualTo(2 * SLOTS);
        } finally {
            for (ServiceProcess r : replicas) {
                r.close();
            }
            simulator.close();
            vertx.close();
        }
    }

    /** The meters whose verdict in this run the audit log holds (an INTEROP_PROBE record with a verdict). */
    private static List<String> verdicts(Path audit, String runId) throws Exception {
        if (!Files.exists(audit)) {
            return List.of();
        }
        Pattern meter = Pattern.compile("\"meterId\":\"([^\"]+)\"");
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(audit)) {
            if (line.contains("\"INTEROP_PROBE\"") && line.contains("\"verdict\"") && line.contains(runId)) {
                Matcher m = meter.matcher(line);
                if (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }
}
