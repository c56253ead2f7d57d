package org.amihes.polling;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.contracts.MeterFailure;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.ReadRegisters;
import org.amihes.contracts.RegisterValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * polling-service against the real PostgreSQL and RabbitMQ; the test plays association-service on the broker:
 * it takes the published jobs and answers with results.
 */
@QuarkusTest
class ReadFlowTest {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    static Connection connection;
    static Channel channel;
    static String jobQueue;

    @BeforeAll
    static void broker() throws Exception {
        ConnectionFactory f = org.amihes.service.testing.TestRabbit.factory();
        connection = f.newConnection("polling-service-test");
        channel = connection.createChannel();
        channel.exchangeDeclare("meter-jobs.by-meter-ptest", "x-consistent-hash", true);
        channel.exchangeDeclare("meter-results-ptest", "topic", true);
        jobQueue = channel.queueDeclare().getQueue();
        channel.queueBind(jobQueue, "meter-jobs.by-meter-ptest", "1"); // weight 1: every job lands here
    }

    static boolean registered;

    /** Once, when the application (and RestAssured's port) is up. */
    @org.junit.jupiter.api.BeforeEach
    void registry() throws Exception {
        if (!registered) {
            registered = true;
            publishRegistry(METERS);
            awaitKnown(METERS.get(METERS.size() - 1));
        }
    }

    static final List<String> METERS = java.util.stream.IntStream.rangeClosed(1, 20)
            .mapToObj(i -> String.format("PT-%04d", i)).toList();
    static final String REGISTRY = "meter-registry-ptest";

    /** As association-service announces registry changes: events of up to 1,000 meters. */
    static void publishRegistry(List<String> ids) throws Exception {
        channel.exchangeDeclare(REGISTRY, "topic", true);
        // the view's queue as the service declares it: events published before its consumer starts are kept
        channel.queueDeclare("polling.meter-registry.test", true, false, false,
                java.util.Map.of("x-dead-letter-exchange", REGISTRY + ".dlx"));
        channel.queueBind("polling.meter-registry.test", REGISTRY, org.amihes.contracts.MeterRegistryChange.ROUTING_KEY);
        Instant now = Instant.now();
        for (int from = 0; from < ids.size(); from += 1000) {
            List<org.amihes.contracts.RegisteredMeter> part = ids.subList(from, Math.min(ids.size(), from + 1000)).stream()
                    .map(id -> new org.amihes.contracts.RegisteredMeter(id, "aurora-ax1", now)).toList();
            channel.basicPublish(REGISTRY, org.amihes.contracts.MeterRegistryChange.ROUTING_KEY, new AMQP.BasicProperties.Builder()
                    .contentType("application/json").deliveryMode(2).build(), JSON.writeValueAsBytes(
                    new org.amihes.contracts.MeterRegistryChange(UUID.randomUUID().toString(), false, part)));
        }
    }

    /** Until the view knows the meter (its readings answer 200 instead of 404). */
    static void awaitKnown(String meterId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (given().get("/meters/" + meterId + "/readings").statusCode() == 404 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        given().get("/meters/" + meterId + "/readings").then().statusCode(200);
    }

    @jakarta.inject.Inject
    ObjectMapper applicationMapper;

    /** The application's mapper (what reads job results) writes and reads instants with service-commons' UtcInstants. */
    @Test
    void theApplicationsMapperTakesInstantsTheFastWay() throws Exception {
        assertThat(applicationMapper.getSerializerProviderInstance().findValueSerializer(Instant.class).getClass().getName())
                .isEqualTo("org.amihes.service.rest.UtcInstants$Serializer");
        Instant t = Instant.parse("2026-06-15T08:15:00.250Z");
        assertThat(applicationMapper.writeValueAsString(t)).isEqualTo(JSON.writeValueAsString(t));
        assertThat(applicationMapper.readValue("\"2026-06-15T08:15:00.250Z\"", Instant.class)).isEqualTo(t);
    }

    @AfterAll
    static void close() throws Exception {
        connection.close();
    }

    @Test
    void resultsAreStoredOnceAndProgressIsReported() throws Exception {
        List<String> meters = List.of("PT-0001", "PT-0002", "PT-0003");
        String batchId = given().contentType(ContentType.JSON).body(Map.of("meterIds", meters))
                .post("/reads").then().statusCode(202)
                .header("Location", containsString("/reads/"))
                .body("requested", equalTo(3))
                .body("registers", equalTo(List.of("1.0.1.8.0.255")))
                .extract().path("batchId");

        List<MeterJob> jobs = jobsOf(batchId, 3, Duration.ofSeconds(10));
        assertThat(jobs).extracting(MeterJob::meterId).containsExactlyInAnyOrderElementsOf(meters);
        assertThat(jobs).allSatisfy(j -> assertThat(((ReadRegisters) j.command()).registers()).containsExactly("1.0.1.8.0.255"));

        // Unique per run: readings are keyed by (meter, OBIS, meter time) and the database outlives test runs.
        Instant meterTime = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        MeterJob first = jobs.stream().filter(j -> j.meterId().equals("PT-0001")).findFirst().orElseThrow();
        MeterJob second = jobs.stream().filter(j -> j.meterId().equals("PT-0002")).findFirst().orElseThrow();
        MeterJob third = jobs.stream().filter(j -> j.meterId().equals("PT-0003")).findFirst().orElseThrow();
        MeterJobResult ok = Results.ok(first, meterTime, List.of(RegisterValue.of("1.0.1.8.0.255", new BigDecimal(12345), 1, "Wh")));
        publish(ok);
        publish(ok); // a redelivery: must change nothing
        // the same job executed again (its acknowledgement was lost): another meter time, still one reading
        publish(Results.ok(first, meterTime.plusSeconds(60), List.of(RegisterValue.of("1.0.1.8.0.255", new BigDecimal(12399), 1, "Wh"))));
        publish(Results.ok(second, meterTime, List.of(RegisterValue.of("1.0.1.8.0.255", new BigDecimal(777), -1, "Wh"))),
                Results.failed(third, new MeterFailure("NETWORK", "DLMS-102", "DLMS-102: No answer", List.of("TX 0001"))));

        Response progress = awaitDone(batchId, Duration.ofSeconds(15));
        assertThat(progress.<Integer>path("completed")).isEqualTo(3);
        assertThat(progress.<Map<String, Integer>>path("byAssociation")).containsExactly(
                java.util.Map.entry("public: client 16 NONE", 3));
        assertThat(progress.<Integer>path("ok")).isEqualTo(2);
        assertThat(progress.<Integer>path("failed")).isEqualTo(1);
        assertThat(progress.<Integer>path("failuresByClass.NETWORK")).isEqualTo(1);
        assertThat(progress.<Object>path("durationMs")).isNotNull();

        Response readings = given().get("/meters/PT-0001/readings?from=" + meterTime).then().statusCode(200)
                .body("size()", equalTo(1))
                .body("[0].scaler", equalTo(1))
                .body("[0].meterTime", equalTo(meterTime.toString()))
                .body("[0].jobId", equalTo(first.jobId())).extract().response();
        assertThat(readings.body().asString()).contains("\"value\":123450").contains("\"raw\":12345");
        assertThat(given().get("/meters/PT-0002/readings?obis=1.0.1.8.0.255&from=" + meterTime).then().statusCode(200)
                .extract().body().asString()).contains("\"value\":77.7,");
    }

    /**
     * Progress of a 10,000-meter batch is the tally the ingest keeps, not a count over its jobs: outcomes of four kinds
     * (two associations, two failure classes, one failure without an association), a fifth of them delivered twice
     * and some executed again with another meter time, each job counted once; equal to this test's own count of what
     * it answered, and to a count over the stored jobs.
     */
    @Test
    void tenThousandMixedResultsSomeDeliveredTwiceAreEachCountedOnce() throws Exception {
        String prefix = "T" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> ids = java.util.stream.IntStream.range(0, 10_000).mapToObj(i -> prefix + String.format("%05d", i)).toList();
        publishRegistry(ids);
        awaitKnown(ids.get(ids.size() - 1));
        String batchId = given().contentType(ContentType.JSON).body(Map.of("meterIds", ids))
                .post("/reads").then().statusCode(202).extract().path("batchId");
        List<MeterJob> jobs = jobsOf(batchId, ids.size(), Duration.ofSeconds(60));
        assertThat(jobs).hasSize(ids.size());
        Instant t = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String hls = "HLS-GMAC: client 1 suite 0 policy AUTHENTICATED_ENCRYPTED";
        List<MeterJobResult> results = new ArrayList<>();
        Map<String, Integer> byAssociation = new java.util.TreeMap<>();
        Map<String, Integer> byClass = new java.util.TreeMap<>();
        int ok = 0;
        for (int i = 0; i < jobs.size(); i++) {
            MeterJob job = jobs.get(i);
            List<RegisterValue> values = List.of(RegisterValue.of("1.0.1.8.0.255", new BigDecimal(i), 0, "Wh"));
            MeterJobResult r = switch (i % 10) {
                case 0 -> Results.failed(job, new MeterFailure("NETWORK", "DLMS-102", "DLMS-102: No answer", List.of()));
                case 1 -> MeterJobResult.failed(job, null, new MeterFailure("SECURITY", "DLMS-004",
                        "DLMS-004: Security Suite Mismatch", List.of()));
                case 2, 3 -> MeterJobResult.ok(job, hls, new org.amihes.contracts.RegisterReadings(t, values));
                default -> Results.ok(job, t, values);
            };
            results.add(r);
            if (r.status() == MeterJobResult.Status.OK) {
                ok++;
            } else {
                byClass.merge(r.failure().failureClass(), 1, Integer::sum);
            }
            if (r.association() != null) {
                byAssociation.merge(r.association(), 1, Integer::sum);
            }
        }
        for (int from = 0; from < results.size(); from += 200) {
            publish(results.subList(from, from + 200).toArray(MeterJobResult[]::new));
            if (from % 1000 == 0) {
                // a fifth delivered twice; half of those as the job executed again (another meter time)
                List<MeterJobResult> again = new ArrayList<>();
                for (int i = from; i < from + 200; i++) {
                    MeterJobResult r = results.get(i);
                    again.add(r.status() == MeterJobResult.Status.OK && i % 2 == 0
                            ? MeterJobResult.ok(jobs.get(i), r.association(), new org.amihes.contracts.RegisterReadings(
                                    t.plusSeconds(60), List.of(RegisterValue.of("1.0.1.8.0.255", BigDecimal.ONE, 0, "Wh"))))
                            : r);
                }
                publish(again.toArray(MeterJobResult[]::new));
            }
        }
        Response progress = awaitDone(batchId, Duration.ofSeconds(60));
        assertThat(progress.<Boolean>path("done")).isTrue();
        assertThat(progress.<Integer>path("completed")).isEqualTo(ids.size());
        assertThat(progress.<Integer>path("ok")).isEqualTo(ok).isEqualTo(8_000);
        assertThat(progress.<Integer>path("failed")).isEqualTo(ids.size() - ok);
        assertThat(progress.<Map<String, Integer>>path("failuresByClass")).isEqualTo(byClass);
        assertThat(progress.<Map<String, Integer>>path("byAssociation")).isEqualTo(byAssociation);
        // the tally agrees with the jobs themselves
        assertThat(org.amihes.service.testing.TestDatabase.sql("SELECT count(*) FROM polling.read_job WHERE "
                + "batch_id = ?::uuid AND status = 'OK'", batchId)).isEqualTo(ok);
        assertThat(org.amihes.service.testing.TestDatabase.sql("SELECT count(*) FROM polling.read_job WHERE "
                + "batch_id = ?::uuid AND association = ?", batchId, hls)).isEqualTo(byAssociation.get(hls).longValue());
        // a late redelivery changes nothing
        publish(results.subList(0, 200).toArray(MeterJobResult[]::new));
        Thread.sleep(500);
        assertThat(given().get("/reads/" + batchId).then().statusCode(200).extract().<Integer>path("ok")).isEqualTo(ok);
    }

    @Test
    void idempotencyKeyReturnsTheSameBatchWithoutNewJobs() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = "{\"meterIds\":[\"PT-0004\",\"PT-0005\"]}";
        String batchId = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/reads").then().statusCode(202).extract().path("batchId");
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/reads").then().statusCode(200).body("batchId", equalTo(batchId));
        assertThat(jobsOf(batchId, 2, Duration.ofSeconds(10))).hasSize(2);
        assertThat(jobsOf(batchId, 1, Duration.ofMillis(700))).isEmpty();
    }

    @jakarta.inject.Inject
    org.amihes.polling.registry.MeterView view;

    @Test
    void tenThousandMetersFromRegistryEventsAreAllReadWithAll() throws Exception {
        String prefix = "V" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> ids = java.util.stream.IntStream.range(0, 10_000).mapToObj(i -> prefix + String.format("%05d", i)).toList();
        publishRegistry(ids);
        awaitKnown(ids.get(ids.size() - 1));
        // an older event for a meter already known changes nothing (events may arrive out of order)
        channel.basicPublish(REGISTRY, org.amihes.contracts.MeterRegistryChange.ROUTING_KEY, null, JSON.writeValueAsBytes(
                new org.amihes.contracts.MeterRegistryChange("old", false, List.of(new org.amihes.contracts.RegisteredMeter(
                        ids.get(0), "older-vendor", Instant.parse("2020-01-01T00:00:00Z"))))));
        long viewSize = view.size().await().atMost(Duration.ofSeconds(5));
        String batchId = given().contentType(ContentType.JSON).body("{\"all\":true}")
                .post("/reads").then().statusCode(202).body("requested", equalTo((int) viewSize)).extract().path("batchId");
        List<MeterJob> jobs = jobsOf(batchId, (int) viewSize, Duration.ofSeconds(60));
        assertThat(jobs).hasSize((int) viewSize);
        assertThat(jobs).extracting(MeterJob::meterId).containsAll(ids).containsAll(METERS);
        Thread.sleep(300);
        assertThat(view.vendorOf(ids.get(0)).await().atMost(Duration.ofSeconds(5))).contains("aurora-ax1");
    }

    @Test
    void aMalformedRegistryEventIsDeadLetteredWithTheReasonAndTheViewGoesOn() throws Exception {
        String marker = "M" + UUID.randomUUID().toString().substring(0, 8);
        // a meter without its vendor: the view cannot use it
        channel.basicPublish(REGISTRY, org.amihes.contracts.MeterRegistryChange.ROUTING_KEY, null,
                ("{\"changeId\":\"" + marker + "\",\"snapshot\":false,\"meters\":[{\"meterId\":\"" + marker
                        + "\",\"updatedAt\":\"2026-01-01T00:00:00Z\"}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        com.rabbitmq.client.GetResponse dead = takeDead("polling.meter-registry.test.dlq", marker);
        assertThat(dead).as("the malformed event in the dead-letter queue").isNotNull();
        assertThat(dead.getProps().getHeaders().get(org.amihes.service.rabbitmq.DeadLetters.REASON).toString())
                .contains("vendor");
        assertThat(dead.getProps().getHeaders().get(org.amihes.service.rabbitmq.DeadLetters.ORIGINAL_QUEUE).toString())
                .isEqualTo("polling.meter-registry.test");
        given().get("/meters/" + marker + "/readings").then().statusCode(404);
        // good events after it are still applied
        String next = marker + "-OK";
        publishRegistry(List.of(next));
        awaitKnown(next);
    }

    @Test
    void aMalformedResultIsDeadLetteredWithTheReason() throws Exception {
        String marker = "R" + UUID.randomUUID().toString().substring(0, 8);
        // a FAILED result without its failure
        channel.basicPublish("meter-results-ptest", org.amihes.contracts.MeterJobResultBatch.routingKey(ReadRegisters.TYPE), null, ("{\"results\":[{\"jobId\":\"" + marker
                + "/X\",\"batchId\":\"" + marker + "\",\"meterId\":\"X\",\"command\":\"read-registers\",\"status\":\"FAILED\"}]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        com.rabbitmq.client.GetResponse dead = takeDead("polling.read-results.test.dlq", marker);
        assertThat(dead).as("the malformed result in the dead-letter queue").isNotNull();
        assertThat(dead.getProps().getHeaders().get(org.amihes.service.rabbitmq.DeadLetters.REASON).toString())
                .contains("failure': required when status is FAILED");
        assertThat(dead.getProps().getHeaders().get(org.amihes.service.rabbitmq.DeadLetters.ORIGINAL_QUEUE).toString())
                .isEqualTo("polling.read-results.test");
        assertThat(takeDead("polling.read-results.test.dlq", marker)).as("dead-lettered once").isNull();
    }

    /** Takes dead letters until one whose body contains {@code marker}; null if none within a few seconds. */
    static com.rabbitmq.client.GetResponse takeDead(String queue, String marker) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            com.rabbitmq.client.GetResponse r = channel.basicGet(queue, true);
            if (r == null) {
                Thread.sleep(20);
            } else if (new String(r.getBody(), java.nio.charset.StandardCharsets.UTF_8).contains(marker)) {
                return r;
            }
        }
        return null;
    }

    @Test
    void unknownMetersComeBackPerJobAsHes001() throws Exception {
        String body = "{\"meterIds\":[\"PT-0006\",\"NOPE-1\"]}";
        String batchId = given().contentType(ContentType.JSON).body(body).post("/reads").then().statusCode(202)
                .body("requested", equalTo(2)).extract().path("batchId");
        List<MeterJob> jobs = jobsOf(batchId, 2, Duration.ofSeconds(10));
        MeterJob nope = jobs.stream().filter(j -> j.meterId().equals("NOPE-1")).findFirst().orElseThrow();
        MeterJob known = jobs.stream().filter(j -> j.meterId().equals("PT-0006")).findFirst().orElseThrow();
        // as association-service answers a job for a meter its registry does not know
        publish(Results.failed(nope, new MeterFailure("CONFIGURATION", "HES-001", "HES-001: Unknown meter (NOPE-1 is not in the registry)", List.of())),
                Results.ok(known, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                        List.of(RegisterValue.of("1.0.1.8.0.255", new BigDecimal(1), 0, "Wh"))));
        Response progress = awaitDone(batchId, Duration.ofSeconds(15));
        assertThat(progress.<Integer>path("ok")).isEqualTo(1);
        assertThat(progress.<Integer>path("failuresByClass.CONFIGURATION")).isEqualTo(1);
    }

    @Test
    void unknownIdsAre404NamingThem() {
        given().get("/meters/NOPE-1/readings").then().statusCode(404).body("detail", containsString("NOPE-1"));
        given().get("/reads/" + UUID.randomUUID()).then().statusCode(404);
        given().get("/reads/not-a-uuid").then().statusCode(404);
    }

    @Test
    void badRequestsSayWhatIsWrong() {
        given().contentType(ContentType.JSON).body("{\"meterIds\":[\"PT-0001\"],\"all\":true}")
                .post("/reads").then().statusCode(400).body("detail", containsString("either 'meterIds'"));
        given().contentType(ContentType.JSON).body("{\"meterIds\":[\"PT-0001\",\"PT-0001\"]}")
                .post("/reads").then().statusCode(400).body("detail", containsString("twice"));
        given().contentType(ContentType.JSON).body("{\"meterIds\":[\"PT-0001\"],\"registers\":[\"1.0.1.8.0\"]}")
                .post("/reads").then().statusCode(400).body("errors.field", hasItem(containsString("registers")));
        given().contentType(ContentType.JSON).body("{\"meterIds\": 5}")
                .post("/reads").then().statusCode(400).body("errors[0].field", equalTo("meterIds"));
        given().contentType(ContentType.JSON).body("{\"meterIds\": [")
                .post("/reads").then().statusCode(400).body("detail", containsString("end-of-input"));
        given().get("/meters/PT-0001/readings?from=yesterday").then().statusCode(400)
                .body("detail", containsString("'from'"));
    }

    @jakarta.inject.Inject
    org.amihes.polling.persistence.ReadStore store;
    @jakarta.inject.Inject
    org.amihes.polling.messaging.JobDispatcher dispatcher;

    @Test
    void aBatchWhoseJobsWereNeverConfirmedIsPublishedAgainBySweeping() throws Exception {
        java.util.UUID batchId = java.util.UUID.randomUUID();
        Instant at = Instant.now();
        // a schedule's jobs (SCHEDULED): published again, they must not jump ahead of on-demand work
        List<MeterJob> jobs = List.of(new MeterJob(batchId + "/SW-1", batchId.toString(), "SW-1", at,
                        new ReadRegisters(List.of("1.0.1.8.0.255")), null, org.amihes.contracts.JobPriority.SCHEDULED),
                new MeterJob(batchId + "/SW-2", batchId.toString(), "SW-2", at, new ReadRegisters(List.of("1.0.1.8.0.255")),
                        null, org.amihes.contracts.JobPriority.SCHEDULED));
        // stored as the use case stores it, but never dispatched: as if the process died between commit and publish
        store.createBatch(batchId, jobs, List.of("1.0.1.8.0.255"), null).await().atMost(Duration.ofSeconds(10));
        dispatcher.sweep(Duration.ZERO);
        List<MeterJob> published = jobsOf(batchId.toString(), 2, Duration.ofSeconds(15));
        assertThat(published).extracting(MeterJob::meterId).containsExactlyInAnyOrder("SW-1", "SW-2");
        assertThat(published).allMatch(j -> ((ReadRegisters) j.command()).registers().equals(List.of("1.0.1.8.0.255")));
        assertThat(published).extracting(MeterJob::priority).containsOnly(org.amihes.contracts.JobPriority.SCHEDULED);
        // marked published: the next sweep publishes nothing of it
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!store.unpublishedBatches(Duration.ZERO).await().atMost(Duration.ofSeconds(5)).stream().noneMatch(batchId::equals)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(store.unpublishedBatches(Duration.ZERO).await().atMost(Duration.ofSeconds(5))).doesNotContain(batchId);
    }

    @Test
    void readinessChecksDatabaseAndBroker() {
        org.amihes.service.testing.Readiness.assertReadyWithDatabaseAndBroker("read-results");
        org.amihes.service.testing.Readiness.assertReadyWithDatabaseAndRabbit("read jobs");
    }

    /** One message, as association-service publishes them: a batch of results. */
    static void publish(MeterJobResult... results) throws Exception {
        channel.basicPublish("meter-results-ptest", org.amihes.contracts.MeterJobResultBatch.routingKey(ReadRegisters.TYPE), new AMQP.BasicProperties.Builder()
                .contentType("application/json").deliveryMode(2).build(),
                JSON.writeValueAsBytes(new org.amihes.contracts.MeterJobResultBatch(List.of(results))));
    }

    /** Jobs of one batch taken from the test's job queue; jobs of other batches are dropped. */
    static List<MeterJob> jobsOf(String batchId, int expected, Duration timeout) throws Exception {
        List<MeterJob> jobs = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (jobs.size() < expected && System.nanoTime() < deadline) {
            GetResponse r = channel.basicGet(jobQueue, true);
            if (r == null) {
                Thread.sleep(20);
                continue;
            }
            org.amihes.contracts.MeterJobBatch message = JSON.readValue(r.getBody(), org.amihes.contracts.MeterJobBatch.class);
            for (MeterJob job : message.jobs()) {
                // every job of a message is of the message's routing bucket: one meter, one partition
                assertThat(org.amihes.contracts.MeterJobBatch.routingKey(job.meterId())).isEqualTo(r.getEnvelope().getRoutingKey());
                if (job.batchId().equals(batchId)) {
                    jobs.add(job);
                }
            }
        }
        return jobs;
    }

    static Response awaitDone(String batchId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Response r;
        do {
            r = given().get("/reads/" + batchId).then().statusCode(200).extract().response();
            if (Boolean.TRUE.equals(r.path("done"))) {
                return r;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return r;
    }
}
