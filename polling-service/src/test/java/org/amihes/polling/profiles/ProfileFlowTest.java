package org.amihes.polling.profiles;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobBatch;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.MeterJobResultBatch;
import org.amihes.contracts.MeterRegistryChange;
import org.amihes.contracts.ProfileChannel;
import org.amihes.contracts.ProfileInterval;
import org.amihes.contracts.ProfileIntervals;
import org.amihes.contracts.ReadProfile;
import org.amihes.contracts.RegisteredMeter;
import org.amihes.service.testing.TestRabbit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Load profiles through polling-service with the real PostgreSQL and RabbitMQ, association-service played by the test
 * (jobs taken from the jobs exchange, results published as it publishes them): 10,000 meters in one request, each
 * with its vendor's profile; intervals stored once with value = raw x 10^scaler; gaps reported and backfilled with
 * exactly the missing range; bad requests refused with nothing stored.
 */
@QuarkusTest
class ProfileFlowTest {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    static final String RUN = "PF" + UUID.randomUUID().toString().substring(0, 6) + "-";
    static final Instant DAY = Instant.parse("2026-08-31T00:00:00Z");
    static Connection connection;
    static Channel channel;
    static String jobQueue;
    static boolean registered;

    @Inject
    Pool pool;

    @BeforeAll
    static void broker() throws Exception {
        connection = TestRabbit.factory().newConnection("profile-flow-test");
        channel = connection.createChannel();
        channel.exchangeDeclare("meter-jobs.by-meter-ptest", "x-consistent-hash", true);
        channel.exchangeDeclare("meter-results-ptest", "topic", true);
        jobQueue = channel.queueDeclare().getQueue();
        channel.queueBind(jobQueue, "meter-jobs.by-meter-ptest", "1");
    }

    @AfterAll
    static void close() throws Exception {
        connection.close();
    }

    static List<String> ids(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> RUN + prefix + String.format("%05d", i)).toList();
    }

    static void register(List<String> ids, String vendor) throws Exception {
        String registry = "meter-registry-ptest";
        channel.exchangeDeclare(registry, "topic", true);
        channel.queueDeclare("polling.meter-registry.test", true, false, false,
                java.util.Map.of("x-dead-letter-exchange", registry + ".dlx"));
        channel.queueBind("polling.meter-registry.test", registry, MeterRegistryChange.ROUTING_KEY);
        Instant now = Instant.now();
        for (int from = 0; from < ids.size(); from += 1000) {
            List<RegisteredMeter> part = ids.subList(from, Math.min(ids.size(), from + 1000)).stream()
                    .map(id -> new RegisteredMeter(id, vendor, now)).toList();
            channel.basicPublish(registry, MeterRegistryChange.ROUTING_KEY, new AMQP.BasicProperties.Builder()
                    .contentType("application/json").deliveryMode(2).build(),
                    JSON.writeValueAsBytes(new MeterRegistryChange(UUID.randomUUID().toString(), false, part)));
        }
        String last = ids.get(ids.size() - 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (given().get("/meters/" + last + "/readings").statusCode() == 404 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    static String body(List<String> meters, String profile, Instant from, Instant to) throws Exception {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("meterIds", meters);
        if (profile != null) {
            m.put("profile", profile);
        }
        m.put("from", from.toString());
        m.put("to", to.toString());
        return JSON.writeValueAsString(m);
    }

    static List<MeterJob> jobsOf(String batchId, int expected, Duration timeout) throws Exception {
        List<MeterJob> jobs = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (jobs.size() < expected && System.nanoTime() < deadline) {
            GetResponse r = channel.basicGet(jobQueue, true);
            if (r == null) {
                Thread.sleep(20);
                continue;
            }
            for (MeterJob job : JSON.readValue(r.getBody(), MeterJobBatch.class).jobs()) {
                if (batchId == null || job.batchId().equals(batchId)) {
                    jobs.add(job);
                }
            }
        }
        return jobs;
    }

    static void publish(List<MeterJobResult> results) throws Exception {
        channel.basicPublish("meter-results-ptest", MeterJobResultBatch.routingKey(ReadProfile.TYPE),
                new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build(),
                JSON.writeValueAsBytes(new MeterJobResultBatch(results)));
    }

    /** What a meter with a 15-minute profile of energy at scaler 1 (Wh x 10) answers for [from, to), minus {@code skip}. */
    static MeterJobResult answer(MeterJob job, long period, List<Instant> skip) {
        ReadProfile p = (ReadProfile) job.command();
        List<ProfileInterval> rows = new ArrayList<>();
        for (long t = p.from().getEpochSecond(); t < p.to().getEpochSecond(); t += period) {
            Instant at = Instant.ofEpochSecond(t);
            if (!skip.contains(at)) {
                rows.add(new ProfileInterval(at, 0L, List.of(BigDecimal.valueOf(t / 60))));
            }
        }
        return MeterJobResult.ok(job, "public", new ProfileIntervals(p.profile(), period,
                List.of(new ProfileChannel(0, 3, "1.0.1.8.0.255", 2, 1, "Wh")), rows));
    }

    static Response awaitDone(String batchId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
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

    long count(String sql, Object... params) {
        return pool.preparedQuery(sql).execute(Tuple.from(List.of(params))).await().atMost(Duration.ofSeconds(10))
                .iterator().next().getLong(0);
    }

    @Test
    void tenThousandMetersInOneRequestEachWithItsVendorsProfile() throws Exception {
        List<String> aurora = ids("A", 9_000);
        List<String> delta = ids("D", 1_000);
        register(aurora, "aurora-ax1");
        register(delta, "delta-q9");
        List<String> all = new ArrayList<>(aurora);
        all.addAll(delta);
        long started = System.nanoTime();
        String batchId = given().contentType(ContentType.JSON).body(body(all, null, DAY, DAY.plusSeconds(86_400)))
                .post("/profiles/reads").then().statusCode(202).body("requested", equalTo(10_000))
                .extract().path("batchId");
        long answeredMs = (System.nanoTime() - started) / 1_000_000;
        List<MeterJob> jobs = jobsOf(batchId, 10_000, Duration.ofSeconds(60));
        assertThat(jobs).hasSize(10_000);
        assertThat(jobs).allSatisfy(j -> {
            ReadProfile p = (ReadProfile) j.command();
            assertThat(p.from()).isEqualTo(DAY);
            assertThat(p.to()).isEqualTo(DAY.plusSeconds(86_400));
            assertThat(p.profile()).isEqualTo(j.meterId().startsWith(RUN + "D") ? "1.0.99.2.0.255" : "1.0.99.1.0.255");
        });
        assertThat(answeredMs).as("10,000 meters answered in %d ms", answeredMs).isLessThan(15_000);
        given().get("/reads/" + batchId).then().statusCode(200).body("requested", equalTo(10_000));
    }

    @Test
    void intervalsAreStoredOnceAndAGapIsReportedThenBackfilledWithExactlyTheMissingRange() throws Exception {
        List<String> meters = ids("G", 3);
        register(meters, "aurora-ax1");
        Instant to = DAY.plusSeconds(86_400);
        String batchId = given().contentType(ContentType.JSON).body(body(meters, null, DAY, to))
                .post("/profiles/reads").then().statusCode(202).extract().path("batchId");
        List<MeterJob> jobs = jobsOf(batchId, 3, Duration.ofSeconds(30));
        assertThat(jobs).hasSize(3);
        // meter 0 lost an hour (12:00-13:00: four captures); the others answer the whole day
        List<Instant> lost = List.of(DAY.plusSeconds(12 * 3600), DAY.plusSeconds(12 * 3600 + 900),
                DAY.plusSeconds(12 * 3600 + 1800), DAY.plusSeconds(12 * 3600 + 2700));
        MeterJob gapped = jobs.stream().filter(j -> j.meterId().equals(meters.get(0))).findFirst().orElseThrow();
        List<MeterJobResult> results = jobs.stream().map(j -> answer(j, 900, j == gapped ? lost : List.of())).toList();
        publish(results);
        publish(results); // delivered twice: stored once
        awaitDone(batchId).then().body("ok", equalTo(3));
        assertThat(count("SELECT count(*) FROM polling.profile_interval WHERE meter_id = $1", meters.get(1))).isEqualTo(96);
        assertThat(count("SELECT count(*) FROM polling.profile_interval WHERE meter_id = $1 AND unit = 'Wh' AND "
                + "value = raw * 10 AND scaler = 1", meters.get(1))).isEqualTo(96);
        // the backfill may already have asked for the gap: the stored intervals of meter 0 are 92 until it is answered
        assertThat(count("SELECT count(*) FROM polling.profile_interval WHERE meter_id = $1", meters.get(0))).isEqualTo(92);

        given().queryParam("meter", meters.get(0)).queryParam("from", DAY.toString()).queryParam("to", to.toString())
                .get("/gaps").then().statusCode(200)
                .body("capturePeriodSeconds", equalTo(900)).body("expected", equalTo(96)).body("stored", equalTo(92))
                .body("gaps.size()", equalTo(1))
                .body("gaps[0].from", equalTo("2026-08-31T12:00:00Z")).body("gaps[0].to", equalTo("2026-08-31T13:00:00Z"))
                .body("gaps[0].missing", equalTo(4));
        given().queryParam("day", "2026-08-31").get("/kpi/read-rate").then().statusCode(200);

        // automatic backfill (every 500 ms in tests): one job for meter 0, exactly the missing hour
        List<MeterJob> backfill = jobsOf(null, 1, Duration.ofSeconds(30));
        assertThat(backfill).hasSize(1);
        ReadProfile asked = (ReadProfile) backfill.get(0).command();
        assertThat(backfill.get(0).meterId()).isEqualTo(meters.get(0));
        assertThat(asked.from()).isEqualTo(DAY.plusSeconds(12 * 3600));
        assertThat(asked.to()).isEqualTo(DAY.plusSeconds(13 * 3600));
        publish(List.of(answer(backfill.get(0), 900, List.of())));
        awaitDone(backfill.get(0).batchId()).then().body("ok", equalTo(1));
        assertThat(count("SELECT count(*) FROM polling.profile_interval WHERE meter_id = $1", meters.get(0))).isEqualTo(96);
        given().queryParam("meter", meters.get(0)).queryParam("from", DAY.toString()).queryParam("to", to.toString())
                .get("/gaps").then().statusCode(200).body("gaps.size()", equalTo(0)).body("stored", equalTo(96))
                .body("backfills[0].attempts", equalTo(1));
        // nothing more to backfill
        Thread.sleep(1500);
        assertThat(jobsOf(null, 1, Duration.ofMillis(500))).isEmpty();
    }

    @Test
    void badRequestsAreRefusedAndStoreNothing() throws Exception {
        List<String> meters = ids("B", 2);
        register(meters, "aurora-ax1");
        Instant now = Instant.now();
        record Bad(String body, int status, String type, String field) {
        }
        List<Bad> cases = List.of(
                new Bad(body(List.of(meters.get(0), RUN + "nobody"), null, DAY, DAY.plusSeconds(3600)), 404, "not-found", "meterIds[1]"),
                new Bad(body(meters, "0.0.99.98.4.255", DAY, DAY.plusSeconds(3600)), 400, "invalid-field", "profile"),
                new Bad(body(meters, "1.0.99.1", DAY, DAY.plusSeconds(3600)), 400, "invalid-field", "profile"),
                new Bad(body(meters, null, now.plusSeconds(3600), now.plusSeconds(7200)), 400, "invalid-field", "to"),
                new Bad(body(meters, null, now.minusSeconds(3600), now.plusSeconds(3600)), 400, "invalid-field", "to"),
                new Bad(body(meters, null, DAY.plusSeconds(3600), DAY), 400, "invalid-request", "to"),
                new Bad(body(meters, null, DAY, DAY), 400, "invalid-request", "to"),
                new Bad(body(List.of(meters.get(0), meters.get(0)), null, DAY, DAY.plusSeconds(3600)), 400, "invalid-request", "meterIds[1]"),
                new Bad("{\"meterIds\": [\"" + meters.get(0) + "\"], \"from\": \"yesterday\", \"to\": \"" + DAY + "\"}", 400, "wrong-type", "from"),
                new Bad("{\"meterIds\": [\"" + meters.get(0) + "\"], \"to\": \"" + DAY + "\"}", 400, "invalid-field", "from"),
                new Bad(body(meters, null, DAY.minus(Duration.ofDays(40)), DAY), 400, "invalid-field", "from"));
        for (Bad c : cases) {
            given().contentType(ContentType.JSON).body(c.body()).post("/profiles/reads").then()
                    .statusCode(c.status())
                    .body("type", equalTo("urn:amihes:problem:" + c.type()))
                    .body("errors[0].field", equalTo(c.field()));
        }
        assertThat(count("SELECT count(*) FROM polling.read_job WHERE meter_id = ANY($1::text[])",
                (Object) meters.toArray(String[]::new))).isZero();
        assertThat(count("SELECT count(*) FROM polling.meter_profile WHERE meter_id = ANY($1::text[])",
                (Object) meters.toArray(String[]::new))).isZero();
        // gaps and KPI
        given().queryParam("meter", RUN + "nobody").queryParam("from", DAY.toString())
                .queryParam("to", DAY.plusSeconds(3600).toString()).get("/gaps").then().statusCode(404)
                .body("errors[0].field", equalTo("meter"));
        given().queryParam("meter", meters.get(0)).queryParam("from", DAY.plusSeconds(3600).toString())
                .queryParam("to", DAY.toString()).get("/gaps").then().statusCode(400)
                .body("type", equalTo("urn:amihes:problem:invalid-request"));
        given().queryParam("meter", meters.get(0)).queryParam("from", DAY.toString())
                .queryParam("to", DAY.plusSeconds(3600).toString()).get("/gaps").then().statusCode(409);
        given().queryParam("day", "tomorrow").get("/kpi/read-rate").then().statusCode(400)
                .body("type", equalTo("urn:amihes:problem:wrong-type"));
        given().queryParam("day", java.time.LocalDate.now().plusDays(2).toString()).get("/kpi/read-rate").then()
                .statusCode(400).body("errors[0].field", equalTo("day"));
    }
}
