package org.amihes.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amihes.service.testing.BrokerOutage;
import org.amihes.service.testing.DatabaseOutage;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: PostgreSQL, then RabbitMQ, stopped for several seconds in the middle of a fleet read, then started again.
 * Both services report the outage on their readiness while it lasts and recover without a restart; the batch
 * completes, every reading is stored once, and no meter is read twice for its one job (results that could not be
 * recorded or published are answered again from memory, not from the meter). In {@code ./hes test-faults} only: it
 * stops the machine's PostgreSQL and RabbitMQ.
 */
class InfrastructureRestartFaultIT {

    static final int METERS = Integer.getInteger("faults.meters", 2_000);
    static final Duration DOWN = Duration.ofSeconds(Integer.getInteger("faults.down-seconds", 6));

    /** Something shared that goes away and comes back. */
    interface Outage {
        void stop() throws Exception;

        void start() throws Exception;
    }

    @Test
    void aDatabaseRestartMidBatchLosesNothingAndRepeatsNothing() throws Exception {
        DatabaseOutage database = DatabaseOutage.local();
        readThrough("db-restart", "127.10.0.1", new Outage() {
            public void stop() throws Exception {
                database.stop();
            }

            public void start() throws Exception {
                database.start();
            }
        });
    }

    @Test
    void aBrokerRestartMidBatchLosesNothingAndRepeatsNothing() throws Exception {
        readThrough("broker-restart", "127.12.0.1", new Outage() {
            public void stop() throws Exception {
                BrokerOutage.stop();
            }

            public void start() throws Exception {
                BrokerOutage.start();
            }
        });
    }

    private void readThrough(String name, String firstHost, Outage outage) throws Exception {
        Path root = ServiceProcess.projectRoot();
        E2eStack.purgeQueues();
        ServiceProcess association = null;
        ServiceProcess polling = null;
        try (SimulatedFleet fleet = SimulatedFleet.start(name, METERS, firstHost, 30, 5)) {
            try {
                Map<String, String> props = new HashMap<>(E2eStack.association());
                props.put("hes.audit.file", Path.of("target", "e2e-logs", name + "-audit.log").toAbsolutePath().toString());
                props.put("hes.registry.file", fleet.registry().toString());
                props.put("hes.sessions.max-concurrent", "100");
                props.put("hes.jobs.requeue-delay", System.getProperty("faults.requeue-delay", "1s"));
                association = ServiceProcess.start(root, "association-service", props, "association-service-" + name)
                        .awaitReady(Duration.ofSeconds(120));
                polling = ServiceProcess.start(root, "polling-service", E2eStack.polling(), "polling-service-" + name)
                        .awaitReady(Duration.ofSeconds(120));

                List<String> ids = fleet.ids();
                String batch = given().baseUri(polling.url()).contentType(ContentType.JSON).body(Map.of("meterIds", ids))
                        .post("/reads").then().statusCode(202).extract().path("batchId");
                JsonPath before = ReadBatches.await(polling.url(), batch, p -> p.getInt("completed") >= METERS / 5,
                        Duration.ofSeconds(120));

                outage.stop();
                boolean associationSawIt = false;
                boolean pollingSawIt = false;
                long upAt = System.nanoTime() + DOWN.toNanos();
                try {
                    while (System.nanoTime() < upAt) {
                        associationSawIt |= ready(association) == 503;
                        pollingSawIt |= ready(polling) == 503;
                        Thread.sleep(250);
                    }
                } finally {
                    outage.start();
                }
                assertThat(before.getInt("completed")).as("the outage lands in the middle of the batch").isLessThan(METERS);
                assertThat(associationSawIt).as("association-service readiness reports the outage").isTrue();
                assertThat(pollingSawIt).as("polling-service readiness reports the outage").isTrue();

                JsonPath done = ReadBatches.awaitDone(polling.url(), batch, Duration.ofSeconds(300));
                assertThat(done.getInt("ok")).as(done.prettify()).isEqualTo(METERS);
                Map<String, Integer> readings = ReadBatches.readingsByJob(batch);
                assertThat(readings).as("one stored reading per job").hasSize(METERS);
                assertThat(readings.values()).as("readings per job").containsOnly(1);
                long twice = ids.stream().filter(id -> fleet.sessions(id) != 1).count();
                assertThat(twice).as("meters not read exactly once for their one job").isZero();
                association.awaitReady(Duration.ofSeconds(30));
                polling.awaitReady(Duration.ofSeconds(30));
                // unfinished job messages go back after a pause (hes.jobs.requeue-delay, 1 s), not in a busy loop:
                // at most every message held (16 partitions × prefetch 25) once per second of outage and recovery
                double requeued = metric(association, "hes_jobs_requeued_total");
                long bound = 16L * 25 * (DOWN.toSeconds() + 10);
                assertThat(requeued).as("job messages requeued during the outage").isLessThanOrEqualTo(bound);
                // the same for result messages polling-service could not commit (up to 2,000 outstanding)
                double returned = metric(polling, "hes_results_returned_total");
                assertThat(returned).as("result messages returned during the outage").isLessThanOrEqualTo(2_000L * (DOWN.toSeconds() + 10));
                System.out.printf("InfrastructureRestartFaultIT %s: %d meters, %d completed when it stopped for %s, "
                        + "%.0f job messages requeued, %.0f result messages returned%n", name, METERS, before.getInt("completed"),
                        DOWN, requeued, returned);
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

    private static double metric(ServiceProcess service, String name) {
        String text = given().baseUri(service.url()).get("/q/metrics").then().statusCode(200).extract().asString();
        // name{labels} value [timestamp]
        java.util.regex.Pattern sample = java.util.regex.Pattern.compile("^" + name + "(\\{[^}]*\\})?\\s+(\\S+)");
        return text.lines().map(sample::matcher).filter(java.util.regex.Matcher::find)
                .mapToDouble(m -> Double.parseDouble(m.group(2))).sum();
    }

    private static int ready(ServiceProcess service) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service.url() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
