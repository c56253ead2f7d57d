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
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amihes.simulator.Faults;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.SimulatorOptions;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three association-service replicas on one fleet (issue 15, defect 3). Every meter gets three jobs at the same
 * moment (three batches at once); the simulator records how many connections each meter ever had open at once,
 * which must be 1, and how many it saw in all, which must be exactly one per job. A meter registered through one
 * replica is then read at once, also by the replicas that did not register it.
 */
class ReplicasIT {

    static final Instant NOW = Instant.parse("2026-09-01T06:30:00Z");
    static final int REGISTERED = 120;
    static final int ADDED_LATER = 30;
    static final int REPLICAS = 3;
    static final int BATCHES = 3;
    static Vertx vertx;
    static FleetSimulator simulator;
    static final List<ServiceProcess> replicas = new ArrayList<>();
    static final List<Path> audits = new ArrayList<>();
    static ServiceProcess polling;

    @BeforeAll
    static void startSystem() throws Exception {
        Path root = ServiceProcess.projectRoot();
        String run = UUID.randomUUID().toString().substring(0, 8);
        Fleet fleet = Fleet.generate(REGISTERED + ADDED_LATER, VendorProfile.WELL_BEHAVED, 7, "127.7.0.1",
                ServiceProcess.freePort()).withIdPrefix("REP-" + run + "-");
        vertx = Vertx.vertx();
        // 20 ms ± 5 ms per answer: sessions overlap in time, as they would on a real network
        simulator = FleetSimulator.start(vertx, fleet, Clock.fixed(NOW, ZoneOffset.UTC), "0.0.0.0",
                SimulatorOptions.DEFAULTS.withFaults(Faults.latency(20, 5))).toCompletionStage().toCompletableFuture().get();
        Path registry = Path.of("target", "replicas-registry.json");
        Files.createDirectories(registry.getParent());
        new Fleet(fleet.seed(), fleet.meters().subList(0, REGISTERED)).writeRegistry(registry);

        replicas.addAll(E2eStack.associationReplicas(root, REPLICAS, registry, "replica", audits, Duration.ofSeconds(120)));
        Map<String, String> poll = new HashMap<>(E2eStack.polling());
        polling = ServiceProcess.start(root, "polling-service", poll, "polling-service-replicas");
        polling.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (polling != null) {
            polling.close();
        }
        for (ServiceProcess r : replicas) {
            r.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (vertx != null) {
            vertx.close();
        }
    }

    @Test
    void everyMeterHasOneAssociationAtATimeAndEveryJobRunsOnce() throws Exception {
        List<MeterSpec> meters = simulator.fleet().meters().subList(0, REGISTERED);
        List<String> ids = meters.stream().map(MeterSpec::meterId).toList();
        List<CompletableFuture<String>> posted = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            posted.add(CompletableFuture.supplyAsync(() -> given().baseUri(polling.url()).contentType(ContentType.JSON)
                    .body(Map.of("meterIds", ids)).post("/reads").then().statusCode(202).extract().<String>path("batchId")));
        }
        for (CompletableFuture<String> batch : posted) {
            JsonPath done = awaitDone(batch.get(), Duration.ofSeconds(120));
            assertThat(done.getInt("ok")).as(done.prettify()).isEqualTo(REGISTERED);
        }
        for (MeterSpec m : meters) {
            assertThat(simulator.meterState(m.meterId()).mostConcurrent()).as(m.meterId() + " associations at once").isEqualTo(1);
            assertThat(simulator.meterState(m.meterId()).sessions()).as(m.meterId() + " sessions").isEqualTo(BATCHES);
        }
        Map<String, Integer> executions = new HashMap<>(executionsByJob());
        executions.keySet().removeIf(job -> ids.stream().noneMatch(job::endsWith));
        assertThat(executions).hasSize(BATCHES * REGISTERED);
        assertThat(executions.values()).allMatch(n -> n == 1);
        for (Path audit : audits) {
            assertThat(Files.readAllLines(audit)).as("every replica holds partitions: " + audit).isNotEmpty();
        }
    }

    @Test
    void aMeterRegisteredThroughOneReplicaIsReadThroughAnother() throws Exception {
        List<MeterSpec> added = simulator.fleet().meters().subList(REGISTERED, REGISTERED + ADDED_LATER);
        for (MeterSpec m : added) {
            Map<String, Object> entry = Map.of("meterId", m.meterId(), "vendor", m.profile(), "host", m.host(),
                    "port", m.port(), "transport", VendorProfile.load(m.profile()).framing() == VendorProfile.Framing.HDLC
                            ? "TCP_HDLC" : "TCP_WRAPPER",
                    "clientAddress", Fleet.PUBLIC_CLIENT, "logicalDevice", 1, "authentication", "NONE");
            given().baseUri(replicas.get(0).url()).contentType(ContentType.JSON).body(entry)
                    .put("/meters/" + m.meterId()).then().statusCode(201);
        }
        List<String> ids = added.stream().map(MeterSpec::meterId).toList();
        String batch = given().baseUri(polling.url()).contentType(ContentType.JSON).body(Map.of("meterIds", ids))
                .post("/reads").then().statusCode(202).extract().path("batchId");
        JsonPath done = awaitDone(batch, Duration.ofSeconds(60));
        assertThat(done.getInt("ok")).as(done.prettify()).isEqualTo(ADDED_LATER);
        int readElsewhere = 0;
        for (int i = 1; i < REPLICAS; i++) {
            String log = Files.readString(audits.get(i));
            readElsewhere += (int) ids.stream().filter(log::contains).count();
        }
        assertThat(readElsewhere).as("meters registered through replica 0 and read by replicas 1 and 2").isPositive();
    }

    private static JsonPath awaitDone(String batch, Duration timeout) throws InterruptedException {
        JsonPath progress = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            progress = given().baseUri(polling.url()).get("/reads/" + batch).then().statusCode(200).extract().jsonPath();
            if (progress.getBoolean("done")) {
                return progress;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("batch " + batch + " not done within " + timeout + ": " + progress.prettify());
    }

    /** jobId → how many audit lines, across every replica's audit log, report it as executed. */
    private static Map<String, Integer> executionsByJob() throws Exception {
        Pattern jobId = Pattern.compile("\"jobId\":\"([^\"]+)\"");
        Map<String, Integer> count = new HashMap<>();
        for (Path audit : audits) {
            for (String line : Files.readAllLines(audit)) {
                Matcher m = jobId.matcher(line);
                if (m.find() && line.contains("\"READ\"")) {
                    count.merge(m.group(1), 1, Integer::sum);
                }
            }
        }
        return count;
    }
}
