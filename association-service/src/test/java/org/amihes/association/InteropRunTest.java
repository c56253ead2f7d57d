package org.amihes.association;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
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
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Interoperability runs over REST against the real PostgreSQL and the simulated fleet (one meter per vendor, public
 * association: this service runs here without security-service, so the keyed cases are SKIPPED with that reason).
 * Expected verdicts come from each vendor's simulator profile.
 */
@QuarkusTest
class InteropRunTest {

    static final Instant NOW = Instant.parse("2026-06-15T08:00:00Z");
    static Vertx vertx;
    static FleetSimulator simulator;
    static boolean registered;
    static String fleetPrefix;
    @jakarta.inject.Inject
    org.amihes.association.commands.CommandJobs jobs;

    @BeforeAll
    static void start() throws Exception {
        fleetPrefix = "I" + UUID.randomUUID().toString().substring(0, 6) + "-";
        Fleet fleet = Fleet.generate(4, VendorProfile.BUILT_IN, 21, "127.21.0.1", freePort()).withIdPrefix(fleetPrefix);
        vertx = Vertx.vertx();
        simulator = FleetSimulator.start(vertx, fleet, Clock.fixed(NOW, ZoneOffset.UTC), "0.0.0.0")
                .toCompletionStage().toCompletableFuture().get();
    }

    @BeforeEach
    void register() {
        if (registered) {
            return;
        }
        registered = true;
        TestMeters.registerPublic(simulator.fleet().meters());
    }

    @AfterAll
    static void stop() throws Exception {
        simulator.close();
        vertx.close();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static JsonPath awaitEnd(String runId, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            JsonPath run = given().get("/interop/runs/" + runId).then().statusCode(200).extract().jsonPath();
            if ("DONE".equals(run.getString("status")) || "CANCELLED".equals(run.getString("status"))) {
                return run;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("run " + runId + " still running after " + limit);
    }

    @Test
    void aRunOverTheFleetGivesEachVendorTheVerdictsItsProfileImplies() throws Exception {
        List<String> ids = simulator.fleet().meters().stream().map(MeterSpec::meterId).toList();
        String runId = given().contentType(ContentType.JSON).header("X-Actor", "lab-engineer")
                .body(Map.of("meterIds", ids, "cases", List.of("transport", "association", "objects", "security")))
                .post("/interop/runs").then().statusCode(202).body("targets", equalTo(4)).body("pending", equalTo(4))
                // the token's user (the tests' default, admin), not the X-Actor header
                .body("requestedBy", equalTo(org.amihes.service.testing.TestTokens.DEFAULT_USER))
                .extract().path("runId");
        JsonPath run = awaitEnd(runId, Duration.ofSeconds(60));
        assertThat(run.getString("status")).isEqualTo("DONE");
        assertThat(run.getInt("done")).isEqualTo(4);

        JsonPath results = given().get("/interop/runs/" + runId + "/results").then().statusCode(200).extract().jsonPath();
        for (int i = 0; i < 4; i++) {
            String meterId = results.getString("meters[" + i + "].meterId");
            VendorProfile p = VendorProfile.load(simulator.fleet().meter(meterId).profile());
            List<Map<String, Object>> cases = results.getList("meters[" + i + "].cases");
            assertThat(cases).extracting(c -> c.get("case")).containsExactly("transport.connect", "transport.latency",
                    "association.management", "association.refuse-unauthenticated", "association.conformance",
                    "association.release", "objects.list", "objects.energy", "objects.clock", "objects.firmware-id",
                    "objects.load-profile", "security.wrong-key", "security.replayed-counter", "security.suite-mismatch");
            for (Map<String, Object> c : cases) {
                String id = (String) c.get("case");
                String expected = id.startsWith("security.") || id.equals("association.management")
                        || id.equals("association.refuse-unauthenticated") ? "SKIPPED"
                        : id.equals("objects.energy") && p.energyRegisterNull() ? "FAIL" : "PASS";
                assertThat(c.get("verdict")).as(meterId + " " + id + ": " + c.get("reason")).isEqualTo(expected);
                if ("SKIPPED".equals(expected)) {
                    assertThat((String) c.get("reason")).contains("no security profile");
                }
            }
            if (p.energyRegisterNull()) {
                Map<String, Object> energy = cases.get(7);
                assertThat(energy).containsEntry("failureClass", "VENDOR").containsEntry("code", "DLMS-202");
                List<Map<String, Object>> evidence = (List<Map<String, Object>>) energy.get("evidence");
                assertThat(evidence).anyMatch(e -> "RX".equals(e.get("direction")) && ((String) e.get("decoded")).contains("<"));
                assertThat(results.getString("meters[" + i + "].verdict")).isEqualTo("FAIL");
            }
            // one association at a time with each meter
            assertThat(simulator.meterState(meterId).mostConcurrent()).isLessThanOrEqualTo(1);
        }
        assertThat(run.getMap("verdicts")).containsEntry("FAIL", 1).containsEntry("PASS", 3);

        given().get("/interop/runs/" + runId + "/report.md").then().statusCode(200)
                .body(containsString("## delta-q9")).body(containsString("**FAIL** VENDOR DLMS-202"))
                .body(containsString("## aurora-ax1"));
        given().get("/interop/runs/" + runId + "/report").then().statusCode(200)
                .body("summary.meters", equalTo(4)).body("summary.metersFailed", equalTo(1));
        // JUnit XML for a lab's CI: a suite per meter, a case per case, the FAIL typed with its class and code
        io.restassured.path.xml.XmlPath xml = given().get("/interop/runs/" + runId + "/report.xml").then().statusCode(200)
                .contentType(containsString("application/xml")).extract().xmlPath();
        assertThat(xml.getInt("testsuites.testsuite.size()")).isEqualTo(4);
        assertThat(xml.getInt("testsuites.@failures")).isEqualTo(1);
        // per meter: the management association, its refusal check and the three security cases
        assertThat(xml.getInt("testsuites.@skipped")).isEqualTo(4 * 5);
        assertThat(xml.getInt("testsuites.testsuite[0].testcase.size()")).isEqualTo(14);
        assertThat(xml.getList("testsuites.testsuite.testcase.failure.@type")).containsExactly("VENDOR DLMS-202");
        String html = given().get("/interop/runs/" + runId + "/report.html").then().statusCode(200)
                .contentType(containsString("text/html")).extract().asString();
        assertThat(html).startsWith("<!DOCTYPE html>").contains("id=\"vendor-matrix\"")
                .contains("data-case=\"objects.energy\" data-verdict=\"FAIL\" data-class=\"VENDOR\"")
                .contains("<svg class=\"latency cases\"").doesNotContain("<script").doesNotContain("src=\"http");
        given().get("/interop/runs/" + UUID.randomUUID() + "/report.xml").then().statusCode(404)
                .body("type", equalTo("urn:amihes:problem:not-found"));
        String audit = Files.readString(Path.of("target/interop_audit.log"));
        assertThat(audit).contains("INTEROP_RUN_STARTED").contains("INTEROP_RUN_DONE");
        assertThat(audit.lines().filter(l -> l.contains("INTEROP_PROBE") && l.contains(runId))).hasSize(4);
    }

    /**
     * A run with capture: each meter's pcap downloads (libpcap, Ethernet; its TCP payload adds up to the run's own
     * wire counters, read here from the report); a run without capture has none (404 problem). The dissection of such
     * a pcap is CaptureDissectorIT's (interop-core) with the real tshark.
     */
    @Test
    void aCapturedRunServesEachMetersPcapAndTheReportStatesBytesOnTheWire() throws Exception {
        List<String> ids = simulator.fleet().meters().stream().map(MeterSpec::meterId).toList();
        String runId = given().contentType(ContentType.JSON)
                .body(Map.of("meterIds", ids, "cases", List.of("objects.energy"), "capture", true))
                .post("/interop/runs").then().statusCode(202).extract().path("runId");
        assertThat(awaitEnd(runId, Duration.ofSeconds(60)).getString("status")).isEqualTo("DONE");
        JsonPath report = given().get("/interop/runs/" + runId + "/report").then().statusCode(200).extract().jsonPath();
        for (String meterId : ids) {
            byte[] pcap = given().get("/interop/runs/" + runId + "/meters/" + meterId + "/capture.pcap").then()
                    .statusCode(200).contentType("application/vnd.tcpdump.pcap").extract().asByteArray();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(pcap).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertThat(b.getInt(0)).isEqualTo(0xa1b2c3d4);
            assertThat(b.getInt(20)).isEqualTo(1); // Ethernet
            long tcpPayload = 0;
            for (int at = 24; at < pcap.length; ) {
                int length = b.getInt(at + 8);
                int ip = at + 16 + 14;
                int ipHeader = (pcap[ip] & 0x0F) * 4;
                int tcpHeader = ((pcap[ip + ipHeader + 12] & 0xFF) >> 4) * 4;
                tcpPayload += length - 14 - ipHeader - tcpHeader;
                at += 16 + length;
            }
            Map<String, Object> wire = report.getMap("meters.find { it.meterId == '" + meterId + "' }.wire");
            assertThat(((Number) wire.get("payloadBytes")).longValue()).as(meterId).isEqualTo(tcpPayload).isPositive();
            assertThat(((Number) wire.get("apduBytes")).longValue()).isPositive().isLessThan(tcpPayload);
        }
        given().get("/interop/runs/" + runId + "/report.md").then().statusCode(200)
                .body(containsString("Bytes on the wire against application payload"));
        given().get("/interop/runs/" + runId + "/meters/NO-SUCH/capture.pcap").then().statusCode(404)
                .body("type", equalTo("urn:amihes:problem:not-found"));

        String plain = given().contentType(ContentType.JSON)
                .body(Map.of("meterIds", ids.subList(0, 1), "cases", List.of("objects.clock")))
                .post("/interop/runs").then().statusCode(202).extract().path("runId");
        awaitEnd(plain, Duration.ofSeconds(60));
        given().get("/interop/runs/" + plain + "/meters/" + ids.get(0) + "/capture.pcap").then().statusCode(404);
        assertThat(given().get("/interop/runs/" + plain + "/report").then().statusCode(200).extract().jsonPath()
                .getLong("meters[0].wire.apduBytes")).isPositive(); // counted also without a capture
    }

    /** The shared MeterGroup: a filter by vendor, by tags, and an explicit list, each resolved against the registry. */
    @Test
    void aGroupSelectsItsMetersByVendorTagsOrIds() throws Exception {
        String runId = given().contentType(ContentType.JSON)
                .body(Map.of("group", Map.of("vendor", "corvus-c3"), "cases", List.of("objects.clock")))
                .post("/interop/runs").then().statusCode(202).extract().path("runId");
        JsonPath run = awaitEnd(runId, Duration.ofSeconds(30));
        long corvus = 0; // every page of the registry: a database kept from earlier runs holds more than one page
        for (int offset = 0, total = 1; offset < total; offset += 100_000) {
            JsonPath page = given().get("/meters?limit=100000&offset=" + offset).then().statusCode(200).extract().jsonPath();
            total = page.getInt("total");
            corvus += page.getList("meters.vendor").stream().filter("corvus-c3"::equals).count();
        }
        assertThat(run.getInt("targets")).isEqualTo((int) corvus).isPositive();
        assertThat(run.getInt("done")).isEqualTo((int) corvus);

        MeterSpec tagged = simulator.fleet().meters().get(1);
        VendorProfile p = VendorProfile.load(tagged.profile());
        String tag = "bench-" + UUID.randomUUID().toString().substring(0, 6);
        given().contentType(ContentType.JSON).body(Map.of("meterId", tagged.meterId(), "vendor", p.name(), "host",
                        tagged.host(), "port", tagged.port(), "transport", p.framing() == VendorProfile.Framing.HDLC
                                ? "TCP_HDLC" : "TCP_WRAPPER", "clientAddress", 16, "logicalDevice", 1,
                        "authentication", "NONE", "tags", List.of(tag, "lab")))
                .put("/meters/" + tagged.meterId()).then().statusCode(200);
        String byTag = given().contentType(ContentType.JSON)
                .body(Map.of("group", Map.of("tags", List.of(tag)), "cases", List.of("objects.clock")))
                .post("/interop/runs").then().statusCode(202).body("targets", equalTo(1)).extract().path("runId");
        assertThat(awaitEnd(byTag, Duration.ofSeconds(30)).getInt("done")).isEqualTo(1);
        assertThat(given().get("/interop/runs/" + byTag + "/results").then().extract().jsonPath()
                .getString("meters[0].meterId")).isEqualTo(tagged.meterId());

        String byIds = given().contentType(ContentType.JSON)
                .body(Map.of("group", Map.of("meterIds", List.of(tagged.meterId())), "cases", List.of("objects.clock")))
                .post("/interop/runs").then().statusCode(202).body("targets", equalTo(1)).extract().path("runId");
        assertThat(awaitEnd(byIds, Duration.ofSeconds(30)).getString("status")).isEqualTo("DONE");
    }

    @Test
    void tenThousandTargetsAreStoredAndTheirJobsPublishedAtOnce() throws Exception {
        String prefix = "J" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> ids = RegistryImportTest.ids(prefix, 10_000);
        int closed = freePort(); // nobody listens: each probe ends at once, DLMS-101
        given().contentType(ContentType.JSON).body(RegistryImportTest.registry(ids, closed)).post("/meters/import")
                .then().statusCode(200);

        long start = System.nanoTime();
        String runId = given().contentType(ContentType.JSON).body(Map.of("meterIds", ids))
                .post("/interop/runs").then().statusCode(202).body("targets", equalTo(10_000)).extract().path("runId");
        long createdMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(createdMs).as("POST /interop/runs with 10,000 targets, ms").isLessThan(10_000);
        JsonPath progress = given().get("/interop/runs/" + runId).then().statusCode(200).extract().jsonPath();
        assertThat(progress.getInt("pending") + progress.getInt("done")).isEqualTo(10_000);
        // planned: every meter's job confirmed by the broker; consumed: meters get their verdicts while the run goes on
        long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while ((progress.getString("publishedAt") == null || progress.getInt("done") == 0) && System.nanoTime() < until) {
            Thread.sleep(100);
            progress = given().get("/interop/runs/" + runId).then().statusCode(200).extract().jsonPath();
        }
        assertThat(progress.getString("publishedAt")).as("every job confirmed by the broker").isNotNull();
        assertThat(progress.getInt("done")).as("meters probed through the broker").isPositive();

        given().post("/interop/runs/" + runId + "/cancel").then().statusCode(202);
        given().post("/interop/runs/" + runId + "/cancel").then().statusCode(409); // CANCELLING or CANCELLED now
        JsonPath run = awaitEnd(runId, Duration.ofSeconds(120));
        assertThat(run.getString("status")).isEqualTo("CANCELLED");
        assertThat(run.getInt("pending")).isZero();
        assertThat(run.getInt("done") + run.getInt("cancelled")).isEqualTo(10_000);
        assertThat(run.getInt("done")).isEqualTo(run.getMap("verdicts").values().stream().mapToInt(v -> (Integer) v).sum());
        // every meter probed failed at the connection (nobody listens), classified NETWORK
        JsonPath first = given().get("/interop/runs/" + runId + "/results?limit=1").then().extract().jsonPath();
        if ("DONE".equals(first.getString("meters[0].status"))) {
            assertThat(first.getString("meters[0].cases[0].code")).isEqualTo("DLMS-101");
        }
    }

    /**
     * A meter's job delivered again after its verdict (a publisher's resend, the sweep) does not reach the meter: the
     * handler finds its row settled. The simulator counts no new session and the audit says why.
     */
    @Test
    void aProbeJobPublishedAgainAfterTheVerdictIsNotProbedAgain() throws Exception {
        List<String> ids = simulator.fleet().meters().stream().map(MeterSpec::meterId).toList();
        String runId = given().contentType(ContentType.JSON)
                .body(Map.of("meterIds", ids, "cases", List.of("objects.clock")))
                .post("/interop/runs").then().statusCode(202).extract().path("runId");
        JsonPath run = awaitEnd(runId, Duration.ofSeconds(60));
        assertThat(run.getString("status")).isEqualTo("DONE");
        Map<String, Long> sessions = new java.util.HashMap<>();
        ids.forEach(id -> sessions.put(id, simulator.meterState(id).sessions()));

        org.amihes.contracts.InteropProbe probe = new org.amihes.contracts.InteropProbe(UUID.fromString(runId),
                List.of("objects.clock"), false, false);
        jobs.publishAll(ids.stream().map(id -> new org.amihes.contracts.MeterJob("interop/" + runId + "/" + id, runId,
                id, Instant.now(), probe)).toList()).get(30, java.util.concurrent.TimeUnit.SECONDS);
        Path auditFile = Path.of("target/interop_audit.log");
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long notProbed = 0;
        while (notProbed < ids.size() && System.nanoTime() < until) {
            Thread.sleep(200);
            notProbed = Files.readAllLines(auditFile).stream().filter(l -> l.contains("\"INTEROP_PROBE\"")
                    && l.contains(runId) && l.contains("already DONE")).count();
        }
        assertThat(notProbed).as("jobs answered without a probe").isEqualTo(ids.size());
        ids.forEach(id -> assertThat(simulator.meterState(id).sessions()).as(id + " sessions").isEqualTo(sessions.get(id)));
        JsonPath after = given().get("/interop/runs/" + runId).then().statusCode(200).extract().jsonPath();
        assertThat(after.getInt("done")).isEqualTo(ids.size());
        assertThat(after.getMap("verdicts")).isEqualTo(run.getMap("verdicts"));
    }

    /**
     * Issue 16: the same run request twice under one Idempotency-Key is one run: one run row, one target row and one
     * probe job per meter, the repeat answered 200 with the first run (also once it ended, with its state then);
     * another request under the key is 409 with nothing written; a blank or too long key is 400.
     */
    @Test
    void theSameRunRequestTwiceUnderOneIdempotencyKeyIsOneRunProbedOnce() throws Exception {
        List<String> ids = simulator.fleet().meters().stream().map(MeterSpec::meterId).toList().subList(0, 2);
        String key = "interop-" + UUID.randomUUID();
        Map<String, Object> request = Map.of("meterIds", ids, "cases", List.of("objects.clock"));
        long runsBefore = runRows();
        String runId = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(request)
                .post("/interop/runs").then().statusCode(202).body("targets", equalTo(2)).extract().path("runId");
        io.restassured.response.Response again = given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(request).post("/interop/runs").then().statusCode(200).body("targets", equalTo(2))
                .extract().response();
        assertThat(again.<String>path("runId")).isEqualTo(runId);
        assertThat(again.header("Location")).endsWith("/interop/runs/" + runId);
        assertThat(awaitEnd(runId, Duration.ofSeconds(60)).getString("status")).isEqualTo("DONE");
        // after the end: the same run with its state now; the same meters in the other order are the same request
        given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("meterIds", List.of(ids.get(1), ids.get(0)), "cases", List.of("objects.clock")))
                .post("/interop/runs").then().statusCode(200).body("runId", equalTo(runId))
                .body("status", equalTo("DONE")).body("done", equalTo(2)).body("pending", equalTo(0));

        // another request under the key: 409 naming it, nothing stored
        for (Map<String, Object> other : List.<Map<String, Object>>of(
                Map.of("meterIds", ids, "cases", List.of("objects.energy")),
                Map.of("meterIds", ids.subList(0, 1), "cases", List.of("objects.clock")),
                Map.of("meterIds", ids, "cases", List.of("objects.clock"), "capture", true))) {
            given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(other).post("/interop/runs")
                    .then().statusCode(409).body("type", equalTo("urn:amihes:problem:conflict"))
                    .body("errors[0].field", equalTo("Idempotency-Key"));
        }
        for (String bad : List.of("", " ", "k".repeat(129))) {
            given().contentType(ContentType.JSON).header("Idempotency-Key", bad).body(request).post("/interop/runs")
                    .then().statusCode(400).body("type", equalTo("urn:amihes:problem:invalid-field"))
                    .body("errors[0].field", equalTo("Idempotency-Key"));
        }
        assertThat(runRows()).as("runs stored").isEqualTo(runsBefore + 1);
        assertThat(org.amihes.service.testing.TestDatabase.count("SELECT count(*) FROM association.interop_run "
                + "WHERE idempotency_key = ?", key)).isEqualTo(1);
        assertThat(org.amihes.service.testing.TestDatabase.count("SELECT count(*) FROM association.interop_result "
                + "WHERE run_id = ?", UUID.fromString(runId))).isEqualTo(2);

        // one job per meter: a repeat that published them again would be answered (and audited) once more each
        Thread.sleep(1_000);
        String audit = Files.readString(Path.of("target/interop_audit.log"));
        assertThat(audit.lines().filter(l -> l.contains("\"INTEROP_PROBE\"") && l.contains(runId))).hasSize(2);
        assertThat(audit.lines().filter(l -> l.contains("\"INTEROP_RUN_STARTED\"") && l.contains(runId))).hasSize(1);
    }

    /** Eight requests at once under a new key: one run, every answer names it. */
    @Test
    void concurrentRequestsUnderANewIdempotencyKeyStartOneRun() throws Exception {
        String meter = simulator.fleet().meters().get(2).meterId();
        String key = "interop-raced-" + UUID.randomUUID();
        long runsBefore = runRows();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<String> runIds = new java.util.ArrayList<>();
        List<Integer> statuses = new java.util.ArrayList<>();
        try {
            List<java.util.concurrent.Callable<io.restassured.response.Response>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                        .body(Map.of("meterIds", List.of(meter), "cases", List.of("objects.clock")))
                        .post("/interop/runs").then().extract().response());
            }
            for (java.util.concurrent.Future<io.restassured.response.Response> f : pool.invokeAll(calls)) {
                statuses.add(f.get().statusCode());
                runIds.add(f.get().path("runId"));
            }
        } finally {
            pool.shutdown();
        }
        assertThat(statuses).containsOnlyOnce(202).containsOnly(200, 202);
        assertThat(runIds).doesNotContainNull().containsOnly(runIds.get(0));
        assertThat(runRows()).isEqualTo(runsBefore + 1);
        assertThat(org.amihes.service.testing.TestDatabase.count("SELECT count(*) FROM association.interop_result "
                + "WHERE run_id = ?", UUID.fromString(runIds.get(0)))).isEqualTo(1);
        awaitEnd(runIds.get(0), Duration.ofSeconds(60));
    }

    /** Without a key, today's behaviour: the same request twice is two runs. */
    @Test
    void withoutAnIdempotencyKeyTheSameRequestTwiceIsTwoRuns() throws Exception {
        Map<String, Object> request = Map.of("meterIds", List.of(simulator.fleet().meters().get(3).meterId()),
                "cases", List.of("objects.clock"));
        long runsBefore = runRows();
        String first = given().contentType(ContentType.JSON).body(request).post("/interop/runs").then()
                .statusCode(202).extract().path("runId");
        String second = given().contentType(ContentType.JSON).body(request).post("/interop/runs").then()
                .statusCode(202).extract().path("runId");
        assertThat(second).isNotEqualTo(first);
        assertThat(runRows()).isEqualTo(runsBefore + 2);
        awaitEnd(first, Duration.ofSeconds(60));
        awaitEnd(second, Duration.ofSeconds(60));
    }

    /** Runs stored over this class's fleet (its meters' ids carry the class's own prefix). */
    static long runRows() {
        return org.amihes.service.testing.TestDatabase.count("SELECT count(DISTINCT run_id) FROM "
                + "association.interop_result WHERE meter_id LIKE ?", fleetPrefix + "%");
    }

    @Test
    void badRequestsAreProblemsAndStartNothing() {
        String meter = simulator.fleet().meters().get(0).meterId();
        given().contentType(ContentType.JSON).body(Map.of("meterIds", List.of(meter), "cases", List.of("objects.nope")))
                .post("/interop/runs").then().statusCode(400).body("type", equalTo("urn:amihes:problem:invalid-field"))
                .body("errors[0].field", equalTo("cases"));
        given().contentType(ContentType.JSON).body(Map.of("meterIds", List.of(meter), "group", Map.of("vendor", "aurora-ax1")))
                .post("/interop/runs").then().statusCode(400).body("type", equalTo("urn:amihes:problem:invalid-request"));
        given().contentType(ContentType.JSON).body(Map.of("cases", List.of("objects")))
                .post("/interop/runs").then().statusCode(400).body("type", equalTo("urn:amihes:problem:invalid-request"))
                .body("errors[0].field", equalTo("group"));
        given().contentType(ContentType.JSON).body(Map.of("group", Map.of("vendor", "aurora-ax1", "meterIds", List.of(meter))))
                .post("/interop/runs").then().statusCode(400).body("errors[0].field", equalTo("group"));
        given().contentType(ContentType.JSON).body(Map.of("group", Map.of("vendor", "no-such-vendor")))
                .post("/interop/runs").then().statusCode(422).body("type", equalTo("urn:amihes:problem:unknown-group"))
                .body("errors[0].field", equalTo("group.vendor"));
        given().contentType(ContentType.JSON).body(Map.of("group", Map.of("meterIds", List.of())))
                .post("/interop/runs").then().statusCode(422).body("type", equalTo("urn:amihes:problem:empty-group"));
        given().contentType(ContentType.JSON).body(Map.of("group", Map.of("tags", List.of("not a tag"))))
                .post("/interop/runs").then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("meterIds", List.of(meter, "NO-SUCH")))
                .post("/interop/runs").then().statusCode(400).body("errors[0].field", equalTo("meterIds[1]"));
        given().contentType(ContentType.JSON).body(Map.of("group", Map.of("meterIds", List.of(meter, "NO-SUCH"))))
                .post("/interop/runs").then().statusCode(400).body("errors[0].field", equalTo("group.meterIds[1]"));
        given().contentType(ContentType.JSON).body(Map.of("meterIds", List.of(meter, meter)))
                .post("/interop/runs").then().statusCode(400).body("errors[0].field", equalTo("meterIds[1]"));
        given().get("/interop/runs/" + UUID.randomUUID()).then().statusCode(404)
                .body("type", equalTo("urn:amihes:problem:not-found"));
        given().get("/interop/runs/not-a-uuid").then().statusCode(404);
    }
}
