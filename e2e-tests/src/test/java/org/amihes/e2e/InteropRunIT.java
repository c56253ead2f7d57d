package org.amihes.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 end to end: an interoperability run over REST on the packaged association-service, with keys from the
 * packaged security-service (SoftHSM2), real PostgreSQL and RabbitMQ, over the simulated fleet of every vendor, while
 * polling-service reads the same meters through the broker. Expected verdicts come from each vendor's simulator
 * profile: the clean vendors pass, the quirky one fails exactly what its quirks break, with the right class.
 */
class InteropRunIT {

    static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    static SecuredStack stack;

    @BeforeAll
    static void startSystem() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Fleet fleet = Fleet.generate(8, VendorProfile.BUILT_IN, SecuredStack.SEED, "127.6.14.1", ServiceProcess.freePort())
                .withIdPrefix("IOP-" + run + "-");
        stack = SecuredStack.start("interop-" + run, fleet, NOW, Map.of());
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    /** The simulator's Gurux server cuts its last data block over the wrapper without general block transfer. */
    static boolean blocksMalformed(VendorProfile p) {
        return p.framing() == VendorProfile.Framing.WRAPPER && !p.generalBlockTransfer();
    }

    @Test
    void aRunGivesEachVendorItsVerdictsWhileJobsReadTheSameMeters() throws Exception {
        List<String> ids = stack.simulator.fleet().meters().stream().map(MeterSpec::meterId).toList();
        // a first read brings the meters' keys into association-service's memory (security-service's unwraps under
        // SoftHSM2 on this shared machine can take longer than the 5 s a key fetch may, which a probe would report
        // as SKIPPED, keys unavailable); the second read runs while the interop run does
        stack.read(ids, Duration.ofSeconds(120));
        String runId = given().baseUri(stack.association.url()).contentType(ContentType.JSON).header("X-Actor", "forged-lab")
                .body(Map.of("meterIds", ids, "allowWrites", true)).post("/interop/runs")
                .then().statusCode(202).extract().path("runId");
        JsonPath reads = stack.read(ids, Duration.ofSeconds(120)); // jobs for the same meters meanwhile
        assertThat(reads.getInt("completed")).isEqualTo(ids.size());

        JsonPath run = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        while (System.nanoTime() < deadline) {
            run = given().baseUri(stack.association.url()).get("/interop/runs/" + runId).then().statusCode(200)
                    .extract().jsonPath();
            if (!"RUNNING".equals(run.getString("status"))) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(run.getString("status")).isEqualTo("DONE");
        assertThat(run.getInt("done")).isEqualTo(ids.size());

        JsonPath results = given().baseUri(stack.association.url()).get("/interop/runs/" + runId + "/results")
                .then().statusCode(200).extract().jsonPath();
        for (int i = 0; i < ids.size(); i++) {
            String meterId = results.getString("meters[" + i + "].meterId");
            VendorProfile p = VendorProfile.load(stack.simulator.fleet().meter(meterId).profile());
            boolean ciphered = !"NONE".equals(p.hlsAuthentication());
            List<Map<String, Object>> cases = results.getList("meters[" + i + "].cases");
            assertThat(cases).hasSize(19);
            for (Map<String, Object> c : cases) {
                String id = (String) c.get("case");
                String expected = id.equals("objects.energy") && p.energyRegisterNull() ? "FAIL"
                        : id.equals("services.block-transfer") && blocksMalformed(p) ? "FAIL"
                        : !ciphered && (id.equals("security.replayed-counter") || id.equals("security.suite-mismatch"))
                        ? "SKIPPED" : "PASS";
                assertThat(c.get("verdict")).as(meterId + " (" + p.name() + ") " + id + ": " + c.get("reason"))
                        .isEqualTo(expected);
                if (id.equals("objects.energy") && p.energyRegisterNull()) {
                    assertThat(c).containsEntry("failureClass", "VENDOR").containsEntry("code", "DLMS-202");
                }
                if (id.equals("services.block-transfer") && blocksMalformed(p)) {
                    assertThat(c).containsEntry("failureClass", "PROTOCOL").containsEntry("code", "DLMS-001");
                }
                if (id.equals("security.suite-mismatch") && ciphered) {
                    assertThat((String) c.get("reason")).contains("DLMS-004: Security Suite Mismatch");
                }
            }
            // Not asserted here: the simulator's mostConcurrent (accept .. RLRE or close, as the simulator sees it)
            // reached 2 on some meters, also for the plan alone in process (borealis-b7, InteropPlanIT), where the
            // cases run strictly one after another: a failed association's close reaches the simulator after the
            // next accept. Left open in the issue; InteropRunTest asserts it for runs without failing associations.
            System.out.println("mostConcurrent " + meterId + " " + stack.simulator.meterState(meterId).mostConcurrent());
        }
        String report = given().baseUri(stack.association.url()).get("/interop/runs/" + runId + "/report.md")
                .then().statusCode(200).extract().asString();
        assertThat(report).contains("## aurora-ax1", "## borealis-b7", "## corvus-c3", "## delta-q9",
                "**FAIL** VENDOR DLMS-202");
        Files.writeString(stack.dir.resolve("interop-report.md"), report);
        String audit = Files.readString(stack.audit());
        assertThat(audit.lines().filter(l -> l.contains("INTEROP_PROBE"))).hasSize(ids.size());
        assertThat(audit).contains("INTEROP_RUN_DONE");
    }
}
