package org.amihes.association;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.amihes.contracts.MeterRegistryChange;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.ReadRegisters;
import org.amihes.contracts.RegisterReadings;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.RegistrySyncRequest;
import org.amihes.service.rabbitmq.DeadLetters;
import org.amihes.service.testing.DeadLetterProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 16, "malformed broker messages": a malformed meter-job message or registry sync request reaches its
 * dead-letter queue once, with the reason ({@code x-hes-reject-reason}) and where it came from, is not redelivered,
 * and the consumer goes on with good messages. Real RabbitMQ (the test's own exchanges and queues) and PostgreSQL.
 */
@QuarkusTest
class DeadLetterTest {

    static final String SYNC_QUEUE = "association.registry-sync.test";
    static final String REGISTRY = "meter-registry-atest";
    static TestBroker broker;
    static DeadLetterProbe probe;

    @BeforeAll
    static void connect() throws Exception {
        broker = new TestBroker();
        probe = new DeadLetterProbe("association-dead-letter-test");
    }

    @AfterAll
    static void close() throws Exception {
        probe.close();
        broker.close();
    }

    /** A malformed message and what its reason must say. */
    record Bad(String name, String body, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badJobs() {
        return Stream.of(
                new Bad("not JSON", "read meter 7 please", "not valid JSON at line 1"),
                new Bad("JSON cut short", "{\"jobs\": [{\"jobId\": \"j1\",", "not valid JSON"),
                new Bad("jobs missing", "{}", "field 'jobs': missing or empty"),
                new Bad("meterId missing", "{\"jobs\": [{\"jobId\": \"j1\", \"batchId\": \"b\", \"command\": {\"type\": \"read-registers\"}}]}",
                        "field 'jobs[0].meterId': required"),
                new Bad("jobs of the wrong type", "{\"jobs\": \"all of them\"}", "field 'jobs'"),
                new Bad("jobId of the wrong type", "{\"jobs\": [{\"jobId\": {\"id\": 1}, \"meterId\": \"M1\"}]}",
                        "field 'jobs[0].jobId'"),
                new Bad("unknown field", "{\"priority\": 1, \"jobs\": [{\"jobId\": \"j1\", \"meterId\": \"M1\", "
                        + "\"command\": {\"type\": \"read-registers\"}}]}", "field 'priority'"),
                new Bad("unknown command", "{\"jobs\": [{\"jobId\": \"j1\", \"meterId\": \"M1\", "
                        + "\"command\": {\"type\": \"format-meter\"}}]}", "field 'jobs[0].command'"),
                new Bad("command missing", "{\"jobs\": [{\"jobId\": \"j1\", \"meterId\": \"M1\"}]}",
                        "field 'jobs[0].command': required"));
    }

    @ParameterizedTest(name = "job message {0}")
    @MethodSource("badJobs")
    void aMalformedJobMessageIsDeadLetteredOnceWithTheReasonAndGoodJobsStillRun(Bad bad) throws Exception {
        String id = probe.publish(TestBroker.JOBS, "b" + bad.name().length(), bad.body().getBytes(StandardCharsets.UTF_8));
        List<GetResponse> letters = probe.await(TestBroker.DLQ, id, Duration.ofSeconds(15), Duration.ofSeconds(2));
        assertThat(letters).as("dead letters of the message, once").hasSize(1);
        GetResponse letter = letters.get(0);
        assertThat(DeadLetterProbe.header(letter, DeadLetters.REASON)).contains(bad.reason());
        assertThat(DeadLetterProbe.header(letter, DeadLetters.ORIGINAL_EXCHANGE)).isEqualTo(TestBroker.JOBS);
        assertThat(DeadLetterProbe.header(letter, DeadLetters.ORIGINAL_ROUTING_KEY)).isEqualTo("b" + bad.name().length());
        assertThat(DeadLetterProbe.header(letter, DeadLetters.ORIGINAL_QUEUE)).startsWith("association.jobs.test.");
        assertThat(DeadLetterProbe.header(letter, DeadLetters.REJECTED_BY)).isEqualTo("association-service");
        assertThat(new String(letter.getBody(), StandardCharsets.UTF_8)).isEqualTo(bad.body());

        String batch = UUID.randomUUID().toString();
        String meter = "DL-" + UUID.randomUUID().toString().substring(0, 8);
        broker.publishJob(new MeterJob(batch + "/" + meter, batch, meter, Instant.now(), new ReadRegisters(List.of())));
        Map<String, MeterJobResult> results = broker.awaitResults(1, Duration.ofSeconds(15));
        assertThat(results).as("a good job after the bad one is still executed").containsKey(batch + "/" + meter);
        assertThat(results.get(batch + "/" + meter).failure().message()).startsWith("HES-001");
    }

    static Stream<Bad> badSyncRequests() {
        return Stream.of(
                new Bad("not JSON", "sync!", "not valid JSON at line 1"),
                new Bad("requestedBy missing", "{\"requestId\": \"r1\"}", "field 'requestedBy': required"),
                new Bad("requestId of the wrong type", "{\"requestId\": [1], \"requestedBy\": \"t\"}", "field 'requestId'"));
    }

    @ParameterizedTest(name = "sync request {0}")
    @MethodSource("badSyncRequests")
    void aMalformedSyncRequestIsDeadLetteredOnceWithTheReasonAndGoodRequestsAreStillAnswered(Bad bad) throws Exception {
        String id = probe.publish(REGISTRY, RegistrySyncRequest.ROUTING_KEY, bad.body().getBytes(StandardCharsets.UTF_8));
        List<GetResponse> letters = probe.await(SYNC_QUEUE + ".dlq", id, Duration.ofSeconds(15), Duration.ofSeconds(2));
        assertThat(letters).as("dead letters of the request, once").hasSize(1);
        assertThat(DeadLetterProbe.header(letters.get(0), DeadLetters.REASON)).contains(bad.reason());
        assertThat(DeadLetterProbe.header(letters.get(0), DeadLetters.ORIGINAL_QUEUE)).isEqualTo(SYNC_QUEUE);
        assertThat(DeadLetterProbe.header(letters.get(0), DeadLetters.ORIGINAL_ROUTING_KEY))
                .isEqualTo(RegistrySyncRequest.ROUTING_KEY);

        // a good request after the bad one is answered: the registry comes as snapshot events
        String meter = "DS-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(MeterResourceTest.meterJson(meter, 4059)).put("/meters/" + meter)
                .then().statusCode(201);
        var events = probe.channel().queueDeclare().getQueue();
        probe.channel().queueBind(events, REGISTRY, MeterRegistryChange.ROUTING_KEY);
        probe.publish(REGISTRY, RegistrySyncRequest.ROUTING_KEY, TestBroker.JSON.writeValueAsBytes(
                new RegistrySyncRequest(UUID.randomUUID().toString(), "dead-letter-test")));
        boolean seen = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!seen && System.nanoTime() < deadline) {
            GetResponse r = probe.channel().basicGet(events, true);
            if (r == null) {
                Thread.sleep(20);
                continue;
            }
            MeterRegistryChange e = TestBroker.JSON.readValue(r.getBody(), MeterRegistryChange.class);
            seen = e.snapshot() && e.meters().stream().anyMatch(m -> m.meterId().equals(meter));
        }
        probe.channel().queueDelete(events);
        assertThat(seen).as("snapshot naming " + meter).isTrue();
    }
}
