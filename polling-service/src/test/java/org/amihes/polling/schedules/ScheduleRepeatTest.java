package org.amihes.polling.schedules;

import static io.restassured.RestAssured.given;
import static org.amihes.service.testing.TestDatabase.sql;
import static org.amihes.polling.schedules.ScheduleTest.READS;
import static org.amihes.polling.schedules.ScheduleTest.json;
import static org.amihes.polling.schedules.ScheduleTest.spec;
import static org.amihes.service.testing.BadRequests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.amihes.contracts.MeterJob;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 for schedules: every write applied twice has one effect. {@code POST /schedules} and
 * {@code POST /schedules/{id}/run} under an {@code Idempotency-Key} (a repeat answers what the first stored, another
 * request under the key is 409, eight at once under a new key store once), an identical {@code PUT} that moves
 * nothing, a {@code DELETE} twice. Counted in PostgreSQL; the test plays association-service ({@link FakeAssociation}).
 */
@QuarkusTest
class ScheduleRepeatTest {

    static final String RUN = "SR" + UUID.randomUUID().toString().substring(0, 6);
    static final String VENDOR = "vendor-" + RUN;
    static final List<String> METERS = IntStream.rangeClosed(1, 3).mapToObj(i -> RUN + "-" + i).toList();
    static final String YEARLY = "\"cron\":\"0 0 1 1 *\"";
    static FakeAssociation association;

    @BeforeAll
    static void broker() throws Exception {
        association = new FakeAssociation();
        // the test database outlives runs: schedules of earlier runs would fire (and bind jobs) in this one
        sql("DELETE FROM polling.schedule");
        association.register(METERS, VENDOR);
    }

    @AfterAll
    static void close() throws Exception {
        association.close();
    }

    @Test
    void aCreateRepeatedUnderItsKeyIsOneScheduleAndTheKeyCannotBeUsedForAnotherOne() throws Exception {
        String name = RUN + "-create";
        String key = RUN + "-create-key";
        String body = spec(name, "{\"vendor\":\"" + VENDOR + "\"}", YEARLY, READS);
        Response first = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body).post("/schedules")
                .then().statusCode(201).extract().response();
        String id = first.path("id");
        Response again = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body).post("/schedules")
                .then().statusCode(200).extract().response();
        assertThat(again.<String>path("id")).isEqualTo(id);
        assertThat(again.header("Location")).endsWith("/schedules/" + id);
        assertThat(again.<String>path("name")).isEqualTo(name);
        assertThat(sql("SELECT count(*) FROM polling.schedule WHERE name = ?", name)).isOne();

        // the same body with its defaults spelled out is the same request
        String explicit = spec(name, "{\"vendor\":\"" + VENDOR + "\"}", YEARLY + ",\"timeZone\":\"UTC\",\"enabled\":true",
                "{\"kind\":\"read-registers\",\"parameters\":{\"registers\":[\"1.0.1.8.0.255\",\"1.0.2.8.0.255\"]}}");
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(explicit).post("/schedules")
                .then().statusCode(200);

        // another request under the key: 409, nothing written
        for (String other : List.of(spec(RUN + "-other", "{\"vendor\":\"" + VENDOR + "\"}", YEARLY, READS),
                spec(name, "{\"vendor\":\"" + VENDOR + "\"}", "\"cron\":\"0 0 2 1 *\"", READS),
                spec(name, "{\"meterIds\":" + json(METERS) + "}", YEARLY, READS),
                spec(name, "{\"vendor\":\"" + VENDOR + "\"}", YEARLY, "{\"kind\":\"read-registers\"}"))) {
            assertProblem(given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(other)
                    .post("/schedules").then(), 409, "conflict", "Idempotency-Key");
        }
        // this test's names only: a schedule another test of the class left behind is not this one's
        assertThat(sql("SELECT count(*) FROM polling.schedule WHERE name IN (?, ?)", name, RUN + "-other")).isOne();

        // a PUT changes the schedule, not what the key was used for: the original request is still the repeat
        given().contentType(ContentType.JSON).body(spec(name, "{\"vendor\":\"" + VENDOR + "\"}", "\"cron\":\"0 0 3 1 *\"", READS))
                .put("/schedules/" + id).then().statusCode(200);
        Response afterPut = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body).post("/schedules")
                .then().statusCode(200).extract().response();
        assertThat(afterPut.<String>path("id")).isEqualTo(id);
        assertThat(afterPut.<String>path("cron")).isEqualTo("0 0 3 1 *");
        // this test's names only: a schedule another test of the class left behind is not this one's
        assertThat(sql("SELECT count(*) FROM polling.schedule WHERE name IN (?, ?)", name, RUN + "-other")).isOne();

        for (String bad : List.of("", "k".repeat(129))) { // sent empty is no key either: 400 (IdempotencyKeyFilter)
            assertProblem(given().contentType(ContentType.JSON).header("Idempotency-Key", bad).body(body)
                    .post("/schedules").then(), 400, "invalid-field", "Idempotency-Key");
        }
        // this test's names only: a schedule another test of the class left behind is not this one's
        assertThat(sql("SELECT count(*) FROM polling.schedule WHERE name IN (?, ?)", name, RUN + "-other")).isOne();
        given().delete("/schedules/" + id).then().statusCode(204);
    }

    @Test
    void withoutAKeyACreateTwiceIsTwoSchedules() throws Exception {
        String name = RUN + "-twice";
        String body = spec(name, "{\"vendor\":\"" + VENDOR + "\"}", YEARLY, READS);
        String a = given().contentType(ContentType.JSON).body(body).post("/schedules").then().statusCode(201).extract().path("id");
        String b = given().contentType(ContentType.JSON).body(body).post("/schedules").then().statusCode(201).extract().path("id");
        assertThat(a).isNotEqualTo(b);
        assertThat(sql("SELECT count(*) FROM polling.schedule WHERE name = ?", name)).isEqualTo(2);
        given().delete("/schedules/" + a).then().statusCode(204);
        given().delete("/schedules/" + b).then().statusCode(204);
    }

    @Test
    void eightCreatesAtOnceUnderOneNewKeyStoreOneSchedule() throws Exception {
        String name = RUN + "-raced";
        String key = RUN + "-raced-key";
        String body = spec(name, "{\"vendor\":\"" + VENDOR + "\"}", YEARLY, READS);
        List<Response> answers = concurrently(() -> given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(body).post("/schedules").then().extract().response());
        assertThat(answers).extracting(Response::statusCode).containsOnly(200, 201).containsOnlyOnce(201);
        List<String> ids = answers.stream().map(r -> r.<String>path("id")).toList();
        assertThat(ids).containsOnly(ids.get(0));
        assertThat(sql("SELECT count(*) FROM polling.schedule WHERE name = ?", name)).isOne();
        given().delete("/schedules/" + ids.get(0)).then().statusCode(204);
    }

    @Test
    void aRunRepeatedUnderItsKeyIsOneFireAndOneBatch() throws Exception {
        List<String> meters = List.of(RUN + "-run-1", RUN + "-run-2");
        association.register(meters, VENDOR + "-run");
        String[] jobMeters = meters.toArray(String[]::new);
        String id = create(RUN + "-run", "{\"meterIds\":" + json(meters) + "}");
        String other = create(RUN + "-run-other", "{\"meterIds\":" + json(meters) + "}");
        String key = RUN + "-run-key";

        Response first = given().header("Idempotency-Key", key).post("/schedules/" + id + "/run")
                .then().statusCode(202).extract().response();
        String batch = first.path("batchId");
        Response again = given().header("Idempotency-Key", key).post("/schedules/" + id + "/run")
                .then().statusCode(200).extract().response();
        assertThat(again.<String>path("batchId")).isEqualTo(batch);
        assertThat(again.header("Location")).endsWith("/reads/" + batch);
        assertThat(again.<String>path("firedAt")).isEqualTo(first.path("firedAt"));
        assertThat(again.<Integer>path("requested")).isEqualTo(meters.size());
        // eight more at once under the same key: still the one fire
        assertThat(concurrently(() -> given().header("Idempotency-Key", key).post("/schedules/" + id + "/run")
                .then().extract().response())).allSatisfy(r -> {
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.<String>path("batchId")).isEqualTo(batch);
                });
        assertThat(sql("SELECT count(*) FROM polling.schedule_fire WHERE schedule_id = ?::uuid", id)).isOne();
        assertThat(sql("SELECT count(*) FROM polling.read_job WHERE meter_id = ANY(?)", (Object) jobMeters)).isEqualTo(2);

        // the key for another schedule's run: 409, nothing fired
        assertProblem(given().header("Idempotency-Key", key).post("/schedules/" + other + "/run").then(),
                409, "conflict", "Idempotency-Key");
        assertThat(sql("SELECT count(*) FROM polling.schedule_fire WHERE schedule_id = ?::uuid", other)).isZero();

        // eight runs at once under a new key: one fire, every answer names its batch
        String raced = RUN + "-run-raced";
        List<Response> answers = concurrently(() -> given().header("Idempotency-Key", raced)
                .post("/schedules/" + other + "/run").then().extract().response());
        assertThat(answers).extracting(Response::statusCode).containsOnly(200, 202).containsOnlyOnce(202);
        assertThat(answers.stream().map(r -> r.<String>path("batchId")).distinct()).hasSize(1);
        assertThat(sql("SELECT count(*) FROM polling.schedule_fire WHERE schedule_id = ?::uuid", other)).isOne();
        assertThat(sql("SELECT count(*) FROM polling.read_job WHERE meter_id = ANY(?)", (Object) jobMeters)).isEqualTo(4);

        // a run's key is taken for reads, and a read's key for runs: 409 either way, nothing stored
        String readsBody = "{\"meterIds\":" + json(meters) + "}";
        assertProblem(given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(readsBody).post("/reads").then(),
                409, "conflict", "Idempotency-Key");
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        assertProblem(given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body("{\"meterIds\":" + json(meters) + ",\"from\":\"" + hour.minus(Duration.ofHours(2)) + "\",\"to\":\""
                        + hour.minus(Duration.ofHours(1)) + "\"}").post("/profiles/reads").then(), 409, "conflict", "Idempotency-Key");
        assertThat(sql("SELECT count(*) FROM polling.read_batch WHERE idempotency_key = ?", key)).isZero();
        String readKey = RUN + "-read-key";
        String read = given().contentType(ContentType.JSON).header("Idempotency-Key", readKey).body(readsBody).post("/reads")
                .then().statusCode(202).extract().path("batchId");
        assertProblem(given().header("Idempotency-Key", readKey).post("/schedules/" + id + "/run").then(),
                409, "conflict", "Idempotency-Key");
        assertThat(sql("SELECT count(*) FROM polling.schedule_fire WHERE schedule_id = ?::uuid", id)).isOne();
        assertThat(sql("SELECT count(*) FROM polling.read_job WHERE meter_id = ANY(?)", (Object) jobMeters)).isEqualTo(6);

        for (String bad : List.of("", "k".repeat(129))) {
            assertProblem(given().header("Idempotency-Key", bad).post("/schedules/" + id + "/run").then(),
                    400, "invalid-field", "Idempotency-Key");
        }
        assertThat(sql("SELECT count(*) FROM polling.schedule_fire WHERE schedule_id = ?::uuid", id)).isOne();

        String otherBatch = answers.get(0).path("batchId");
        for (String b : List.of(batch, otherBatch, read)) {
            List<MeterJob> jobs = association.jobsOf(b, meters.size(), Duration.ofSeconds(10));
            assertThat(jobs).extracting(MeterJob::meterId).containsExactlyInAnyOrderElementsOf(meters);
            association.answer(jobs, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        }
        given().delete("/schedules/" + id).then().statusCode(204);
        given().delete("/schedules/" + other).then().statusCode(204);
    }

    @Test
    void anIdenticalPutChangesNothingNotEvenAnIntervalSchedulesNextFire() throws Exception {
        String name = RUN + "-put";
        String body = spec(name, "{\"vendor\":\"" + VENDOR + "\"}", "\"everySeconds\":3600", READS);
        Response created = given().contentType(ContentType.JSON).body(body).post("/schedules").then().statusCode(201)
                .extract().response();
        String id = created.path("id");
        String nextFireAnswered = created.path("nextFire");
        long version = sql("SELECT xmin::text::bigint FROM polling.schedule WHERE schedule_id = ?::uuid", id);
        // stored in microseconds: compared as stored (a rounding to milliseconds here and a truncation in the answer
        // differed by 1 ms when the microseconds were 500 or more)
        long nextFire = nextFireMicros(id);
        long updatedAt = sql("SELECT (extract(epoch FROM updated_at) * 1000000)::bigint FROM polling.schedule "
                + "WHERE schedule_id = ?::uuid", id);
        Thread.sleep(1100); // a next fire computed anew from now would move by this much

        for (int i = 0; i < 2; i++) {
            Response put = given().contentType(ContentType.JSON).body(body).put("/schedules/" + id).then().statusCode(200)
                    .extract().response();
            assertThat(put.<String>path("nextFire")).isEqualTo(nextFireAnswered);
            assertThat(nextFireMicros(id)).isEqualTo(nextFire);
            assertThat(sql("SELECT (extract(epoch FROM updated_at) * 1000000)::bigint FROM polling.schedule "
                    + "WHERE schedule_id = ?::uuid", id)).isEqualTo(updatedAt);
            // no row version written
            assertThat(sql("SELECT xmin::text::bigint FROM polling.schedule WHERE schedule_id = ?::uuid", id)).isEqualTo(version);
        }
        // a changed definition is written and timed anew: the next fire is an hour after the PUT
        given().contentType(ContentType.JSON).body(spec(name + "-renamed", "{\"vendor\":\"" + VENDOR + "\"}",
                "\"everySeconds\":3600", READS)).put("/schedules/" + id).then().statusCode(200);
        assertThat(nextFireMicros(id)).isGreaterThanOrEqualTo(nextFire + 1_000_000);
        given().delete("/schedules/" + id).then().statusCode(204);
    }

    @Test
    void aDeleteTwiceIs204Then404AndTouchesNothingElse() throws Exception {
        List<String> meters = List.of(RUN + "-del-1");
        association.register(meters, VENDOR + "-del");
        String id = create(RUN + "-del", "{\"meterIds\":" + json(meters) + "}");
        String kept = create(RUN + "-del-kept", "{\"meterIds\":" + json(meters) + "}");
        String batch = given().post("/schedules/" + id + "/run").then().statusCode(202).extract().path("batchId");
        String keptBatch = given().post("/schedules/" + kept + "/run").then().statusCode(202).extract().path("batchId");

        given().delete("/schedules/" + id).then().statusCode(204);
        assertProblem(given().delete("/schedules/" + id).then(), 404, "not-found", "id");
        assertThat(sql("SELECT count(*) FROM polling.schedule WHERE schedule_id = ?::uuid", id)).isZero();
        assertThat(sql("SELECT count(*) FROM polling.schedule_fire WHERE schedule_id = ?::uuid", id)).isZero();
        // the other schedule and its fire, and the deleted schedule's batch, stay
        assertThat(sql("SELECT count(*) FROM polling.schedule WHERE schedule_id = ?::uuid", kept)).isOne();
        assertThat(sql("SELECT count(*) FROM polling.schedule_fire WHERE schedule_id = ?::uuid", kept)).isOne();
        assertThat(sql("SELECT count(*) FROM polling.read_batch WHERE batch_id = ?::uuid", batch)).isOne();
        assertThat(sql("SELECT count(*) FROM polling.read_job WHERE meter_id = ?", meters.get(0))).isEqualTo(2);
        given().get("/reads/" + batch).then().statusCode(200);
        for (String b : List.of(batch, keptBatch)) {
            association.answer(association.jobsOf(b, 1, Duration.ofSeconds(10)), Instant.now().truncatedTo(ChronoUnit.SECONDS));
        }
        given().delete("/schedules/" + kept).then().statusCode(204);
    }

    private static String create(String name, String group) {
        return given().contentType(ContentType.JSON).body(spec(name, group, YEARLY, READS)).post("/schedules")
                .then().statusCode(201).extract().path("id");
    }

    private static long nextFireMicros(String id) throws Exception {
        return sql("SELECT (extract(epoch FROM next_fire) * 1000000)::bigint FROM polling.schedule WHERE schedule_id = ?::uuid", id);
    }

    /** Eight of the same request at once. */
    private static List<Response> concurrently(Supplier<Response> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(request::get);
            }
            List<Response> answers = new ArrayList<>();
            for (Future<Response> f : pool.invokeAll(calls)) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            pool.shutdown();
        }
    }
}
