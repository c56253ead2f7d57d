package org.amihes.polling;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.rabbitmq.client.GetResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.amihes.contracts.MeterFailure;
import org.amihes.contracts.MeterRegistryChange;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.ReadRegisters;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.MeterJobResultBatch;
import org.amihes.contracts.RegisteredMeter;
import org.amihes.service.rabbitmq.DeadLetters;
import org.amihes.service.testing.DeadLetterProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 16, "malformed broker messages": a malformed read result or registry event reaches its dead-letter queue
 * once, with the reason ({@code x-hes-reject-reason}) and where it came from, is not redelivered, and the consumer
 * goes on with good messages. Real RabbitMQ (the test's own exchanges and queues) and PostgreSQL.
 */
@QuarkusTest
class DeadLetterTest {

    static final String RESULTS = "meter-results-ptest";
    static final String RESULTS_QUEUE = "polling.read-results.test";
    static final String REGISTRY = "meter-registry-ptest";
    static final String VIEW_QUEUE = "polling.meter-registry.test";
    static DeadLetterProbe probe;

    @BeforeAll
    static void connect() throws Exception {
        probe = new DeadLetterProbe("polling-dead-letter-test");
    }

    @AfterAll
    static void close() throws Exception {
        probe.close();
    }

    record Bad(String name, String body, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badResults() {
        return Stream.of(
                new Bad("not JSON", "meter 7 read fine", "not valid JSON at line 1"),
                new Bad("JSON cut short", "{\"results\": [{\"jobId\": \"j1\"", "not valid JSON"),
                new Bad("results missing", "{}", "field 'results': missing or empty"),
                new Bad("status missing", "{\"results\": [{\"jobId\": \"j1\", \"batchId\": \"b\", \"meterId\": \"M1\", \"command\": \"read-registers\"}]}",
                        "field 'results[0].status': required"),
                new Bad("failure missing when FAILED", "{\"results\": [{\"jobId\": \"j1\", \"batchId\": \"b\", \"meterId\": \"M1\", "
                        + "\"command\": \"read-registers\", \"status\": \"FAILED\"}]}", "field 'results[0].failure'"),
                new Bad("status not a status", "{\"results\": [{\"jobId\": \"j1\", \"meterId\": \"M1\", \"status\": \"MAYBE\"}]}",
                        "field 'results[0].status'"),
                new Bad("results of the wrong type", "{\"results\": 3}", "field 'results'"),
                new Bad("another command's result", "{\"results\": [{\"jobId\": \"j1\", \"meterId\": \"M1\", "
                        + "\"command\": \"disconnect\", \"status\": \"FAILED\", \"failure\": {\"failureClass\": \"NETWORK\", "
                        + "\"code\": \"DLMS-101\", \"message\": \"refused\"}}]}",
                        "field 'results[0].command': 'disconnect'; polling-service takes read-registers and read-profile results only"));
    }

    @ParameterizedTest(name = "read result {0}")
    @MethodSource("badResults")
    void aMalformedResultIsDeadLetteredOnceWithTheReasonAndGoodResultsAreStillStored(Bad bad) throws Exception {
        String id = probe.publish(RESULTS, MeterJobResultBatch.routingKey(ReadRegisters.TYPE), bad.body().getBytes(StandardCharsets.UTF_8));
        List<GetResponse> letters = probe.await(RESULTS_QUEUE + ".dlq", id, Duration.ofSeconds(15), Duration.ofSeconds(2));
        assertThat(letters).as("dead letters of the message, once").hasSize(1);
        GetResponse letter = letters.get(0);
        assertThat(DeadLetterProbe.header(letter, DeadLetters.REASON)).contains(bad.reason());
        assertThat(DeadLetterProbe.header(letter, DeadLetters.ORIGINAL_EXCHANGE)).isEqualTo(RESULTS);
        assertThat(DeadLetterProbe.header(letter, DeadLetters.ORIGINAL_ROUTING_KEY)).isEqualTo(MeterJobResultBatch.routingKey(ReadRegisters.TYPE));
        assertThat(DeadLetterProbe.header(letter, DeadLetters.ORIGINAL_QUEUE)).isEqualTo(RESULTS_QUEUE);
        assertThat(DeadLetterProbe.header(letter, DeadLetters.REJECTED_BY)).isEqualTo("polling-service");
        assertThat(new String(letter.getBody(), StandardCharsets.UTF_8)).isEqualTo(bad.body());

        String meter = "DR-" + UUID.randomUUID().toString().substring(0, 8);
        String batch = given().contentType(ContentType.JSON).body("{\"meterIds\": [\"" + meter + "\"]}").post("/reads")
                .then().statusCode(202).extract().path("batchId");
        MeterJob job = new MeterJob(batch + "/" + meter, batch, meter, Instant.now(), new ReadRegisters(List.of()));
        probe.publish(RESULTS, MeterJobResultBatch.routingKey(ReadRegisters.TYPE), ReadFlowTest.JSON.writeValueAsBytes(new MeterJobResultBatch(List.of(
                Results.failed(job, new MeterFailure("NETWORK", "DLMS-101", "refused", List.of()))))));
        eventually(() -> given().get("/reads/" + batch)
                .then().statusCode(200).body("completed", equalTo(1)).body("failed", equalTo(1)));
    }

    static Stream<Bad> badEvents() {
        return Stream.of(
                new Bad("not JSON", "meters changed", "not valid JSON at line 1"),
                new Bad("changeId missing", "{\"snapshot\": false, \"meters\": [{\"meterId\": \"M1\", \"vendor\": \"v\", "
                        + "\"updatedAt\": \"2026-01-01T00:00:00Z\"}]}", "field 'changeId': required"),
                new Bad("vendor missing", "{\"changeId\": \"c1\", \"snapshot\": false, \"meters\": [{\"meterId\": \"M1\", "
                        + "\"updatedAt\": \"2026-01-01T00:00:00Z\"}]}", "field 'meters[0].vendor': required"),
                new Bad("updatedAt not an instant", "{\"changeId\": \"c1\", \"snapshot\": false, \"meters\": [{\"meterId\": \"M1\", "
                        + "\"vendor\": \"v\", \"updatedAt\": \"yesterday\"}]}", "field 'meters[0].updatedAt'"),
                new Bad("snapshot of the wrong type", "{\"changeId\": \"c1\", \"snapshot\": \"no\", \"meters\": []}",
                        "field 'snapshot'"));
    }

    @ParameterizedTest(name = "registry event {0}")
    @MethodSource("badEvents")
    void aMalformedRegistryEventIsDeadLetteredOnceWithTheReasonAndGoodEventsAreStillApplied(Bad bad) throws Exception {
        String id = probe.publish(REGISTRY, MeterRegistryChange.ROUTING_KEY, bad.body().getBytes(StandardCharsets.UTF_8));
        List<GetResponse> letters = probe.await(VIEW_QUEUE + ".dlq", id, Duration.ofSeconds(15), Duration.ofSeconds(2));
        assertThat(letters).as("dead letters of the event, once").hasSize(1);
        assertThat(DeadLetterProbe.header(letters.get(0), DeadLetters.REASON)).contains(bad.reason());
        assertThat(DeadLetterProbe.header(letters.get(0), DeadLetters.ORIGINAL_QUEUE)).isEqualTo(VIEW_QUEUE);
        assertThat(DeadLetterProbe.header(letters.get(0), DeadLetters.ORIGINAL_EXCHANGE)).isEqualTo(REGISTRY);

        String meter = "DV-" + UUID.randomUUID().toString().substring(0, 8);
        given().get("/meters/" + meter + "/readings").then().statusCode(404);
        probe.publish(REGISTRY, MeterRegistryChange.ROUTING_KEY, ReadFlowTest.JSON.writeValueAsBytes(new MeterRegistryChange(
                UUID.randomUUID().toString(), false, List.of(new RegisteredMeter(meter, "aurora-ax1", Instant.now())))));
        eventually(() ->
                given().get("/meters/" + meter + "/readings").then().statusCode(200));
    }

    /** Retries {@code assertion} for up to 15 s. */
    private static void eventually(Runnable assertion) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(100);
            }
        }
    }
}
