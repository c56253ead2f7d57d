package org.amihes.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: polling-service killed with -9 while it ingests a fleet read's results, then started again. Results it
 * had not committed stay in the broker and are ingested by the new process; the batch completes with one reading
 * per job, and no meter is read again (the jobs themselves were never lost). {@code -Dfaults.meters} sizes it.
 */
class KilledPollingIT {

    static final int METERS = Integer.getInteger("faults.meters", 1_200);

    @Test
    void pollingKilledDuringIngestLosesNoReadingAndStoresNoneTwice() throws Exception {
        Path root = ServiceProcess.projectRoot();
        E2eStack.purgeQueues();
        ServiceProcess association = null;
        ServiceProcess polling = null;
        try (SimulatedFleet fleet = SimulatedFleet.start("killed-polling", METERS, "127.11.0.1", 30, 5)) {
            try {
                Map<String, String> props = new HashMap<>(E2eStack.association());
                props.put("hes.audit.file", Path.of("target", "e2e-logs", "killed-polling-audit.log").toAbsolutePath().toString());
                props.put("hes.registry.file", fleet.registry().toString());
                props.put("hes.sessions.max-concurrent", "40");
                association = ServiceProcess.start(root, "association-service", props, "association-service-killed-polling")
                        .awaitReady(Duration.ofSeconds(120));
                polling = ServiceProcess.start(root, "polling-service", E2eStack.polling(), "polling-service-killed-1")
                        .awaitReady(Duration.ofSeconds(120));

                List<String> ids = fleet.ids();
                String batch = given().baseUri(polling.url()).contentType(ContentType.JSON).body(Map.of("meterIds", ids))
                        .post("/reads").then().statusCode(202).extract().path("batchId");
                JsonPath atKill = ReadBatches.await(polling.url(), batch, p -> p.getInt("completed") >= METERS / 4,
                        Duration.ofSeconds(120));
                polling.kill();
                assertThat(atKill.getInt("completed")).as("the kill lands in the middle of the batch").isLessThan(METERS);
                Thread.sleep(2_000); // results go on arriving with nobody to ingest them
                polling = ServiceProcess.start(root, "polling-service", E2eStack.polling(), "polling-service-killed-2")
                        .awaitReady(Duration.ofSeconds(120));

                JsonPath done = ReadBatches.awaitDone(polling.url(), batch, Duration.ofSeconds(300));
                assertThat(done.getInt("ok")).as(done.prettify()).isEqualTo(METERS);
                Map<String, Integer> readings = ReadBatches.readingsByJob(batch);
                assertThat(readings).as("one stored reading per job").hasSize(METERS);
                assertThat(readings.values()).as("readings per job").containsOnly(1);
                assertThat(ids.stream().filter(id -> fleet.sessions(id) != 1).toList())
                        .as("meters not read exactly once for their one job").isEmpty();
                System.out.printf("KilledPollingIT: %d meters, %d completed at the kill%n", METERS, atKill.getInt("completed"));
            } finally {
                if (polling != null) {
                    polling.close();
                }
                if (association != null) {
                    association.close();
                }
            }
        }
    }
}
