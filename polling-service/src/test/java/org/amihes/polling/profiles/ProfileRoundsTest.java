package org.amihes.polling.profiles;

import static io.restassured.RestAssured.given;
import static org.amihes.service.testing.TestDatabase.sql;
import static org.amihes.service.testing.BadRequests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.ReadProfile;
import org.amihes.polling.schedules.FakeAssociation;
import org.amihes.polling.schedules.ReadProgress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Load-profile rounds with the real PostgreSQL and RabbitMQ, association-service played by {@link FakeAssociation}
 * (meters capturing every 900 s): an Idempotency-Key makes a repeated profile read one batch; a meter that never
 * answered gets its capture period learned by a first read that backfill repeats, and the read rate and gaps count it
 * from its first expected capture time meanwhile (at its vendor's period); a {@code read-profile} schedule reads each
 * meter from its last stored interval on.
 */
@QuarkusTest
class ProfileRoundsTest {

    static final String RUN = "PR" + UUID.randomUUID().toString().substring(0, 6);
    /** A past UTC day of its own per run is not needed: the vendors are the run's own. */
    static final Instant DAY = Instant.parse("2026-09-07T00:00:00Z");
    static final long PERIOD = 900;
    static final long PER_DAY = 86_400 / PERIOD;
    static FakeAssociation association;

    @BeforeAll
    static void broker() throws Exception {
        association = new FakeAssociation();
    }

    @AfterAll
    static void close() throws Exception {
        association.close();
    }

    static List<String> meters(String tag, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> RUN + tag + "-" + i).toList();
    }

    static Map<String, Object> body(List<String> meters, Instant from, Instant to) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("meterIds", meters);
        m.put("from", from.toString());
        m.put("to", to.toString());
        return m;
    }

    static String read(List<String> meters, Instant from, Instant to) {
        return given().contentType(ContentType.JSON).body(body(meters, from, to)).post("/profiles/reads").then()
                .statusCode(202).extract().path("batchId");
    }

    static Map<String, Object> rate(String vendor) {
        JsonPath kpi = given().queryParam("day", DAY.toString().substring(0, 10)).get("/kpi/read-rate").then()
                .statusCode(200).extract().jsonPath();
        return kpi.getMap("vendors.find { it.vendor == '" + vendor + "' }");
    }

    static JsonPath gaps(String meter) {
        return given().queryParam("meter", meter).queryParam("from", DAY.toString())
                .queryParam("to", DAY.plus(Duration.ofDays(1)).toString()).get("/gaps").then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void aRepeatedProfileReadUnderItsIdempotencyKeyIsOneBatchAndAnotherRequestUnderItIsAConflict() throws Exception {
        List<String> meters = meters("I", 3);
        association.register(meters, "vendor-" + RUN + "-i");
        String key = RUN + "-key";
        Map<String, Object> body = body(meters, DAY, DAY.plus(Duration.ofHours(2)));
        String batch = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/profiles/reads").then().statusCode(202).extract().path("batchId");
        Response again = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/profiles/reads").then().statusCode(200).extract().response();
        assertThat(again.<String>path("batchId")).isEqualTo(batch);
        assertThat(again.<Integer>path("requested")).isEqualTo(3);
        assertThat(again.header("Location")).endsWith("/reads/" + batch);
        // the same meters listed in another order are the same request
        List<String> reversed = new ArrayList<>(meters);
        java.util.Collections.reverse(reversed);
        given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(body(reversed, DAY, DAY.plus(Duration.ofHours(2)))).post("/profiles/reads").then().statusCode(200);
        assertThat(association.jobsOf(batch, 3, Duration.ofSeconds(10))).hasSize(3);
        assertThat(association.jobsWhere(j -> meters.contains(j.meterId()), 1, Duration.ofMillis(700))).isEmpty();
        assertThat(sql("SELECT count(*) FROM polling.read_job WHERE meter_id LIKE ?", RUN + "I-%")).isEqualTo(3);

        // another range, another profile, other meters under the same key: 409, nothing stored
        assertProblem(given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(body(meters, DAY, DAY.plus(Duration.ofHours(3)))).post("/profiles/reads").then(), 409, "conflict",
                "Idempotency-Key");
        Map<String, Object> otherProfile = new LinkedHashMap<>(body);
        otherProfile.put("profile", "1.0.99.2.0.255");
        assertProblem(given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(otherProfile)
                .post("/profiles/reads").then(), 409, "conflict", "Idempotency-Key");
        assertProblem(given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(body(meters.subList(0, 2), DAY, DAY.plus(Duration.ofHours(2)))).post("/profiles/reads").then(), 409,
                "conflict", "Idempotency-Key");
        assertProblem(given().contentType(ContentType.JSON).header("Idempotency-Key", "k".repeat(129)).body(body)
                .post("/profiles/reads").then(), 400, "invalid-field", "Idempotency-Key");
        assertThat(sql("SELECT count(*) FROM polling.read_job WHERE meter_id LIKE ?", RUN + "I-%")).isEqualTo(3);

        // eight requests under a new key at once: one batch, every answer names it
        String raced = RUN + "-raced";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> given().contentType(ContentType.JSON).header("Idempotency-Key", raced)
                        .body(body(meters, DAY.plus(Duration.ofHours(4)), DAY.plus(Duration.ofHours(5))))
                        .post("/profiles/reads").then().extract().response());
            }
            List<String> batches = new ArrayList<>();
            for (Future<Response> f : pool.invokeAll(calls)) {
                Response r = f.get();
                assertThat(r.statusCode()).isIn(200, 202);
                batches.add(r.path("batchId"));
            }
            assertThat(batches).containsOnly(batches.get(0));
        } finally {
            pool.shutdown();
        }
        assertThat(sql("SELECT count(*) FROM polling.read_batch WHERE idempotency_key = ?", raced)).isEqualTo(1);
        assertThat(sql("SELECT count(*) FROM polling.read_job WHERE meter_id LIKE ?", RUN + "I-%")).isEqualTo(6);
    }

    @Test
    void aMeterThatNeverAnsweredIsCountedFromItsFirstExpectedCaptureAndItsFirstReadIsRepeatedUntilItAnswers()
            throws Exception {
        String vendor = "vendor-" + RUN + "-n";
        List<String> meters = meters("N", 4);
        association.register(meters, vendor);
        String a = meters.get(0);
        String b = meters.get(1);
        String silent = meters.get(2);
        String late = meters.get(3);
        Instant end = DAY.plus(Duration.ofDays(1));
        String batch = read(meters.subList(0, 3), DAY, end);
        List<MeterJob> jobs = association.jobsOf(batch, 3, Duration.ofSeconds(10));
        association.answerProfile(jobs.stream().filter(j -> !j.meterId().equals(silent)).toList(), PERIOD);
        association.fail(jobs.stream().filter(j -> j.meterId().equals(silent)).toList());
        assertThat(ReadProgress.awaitDone(batch)).isEqualTo(2);
        // a meter first asked for from noon: expected from noon on
        String second = read(List.of(late), DAY.plus(Duration.ofHours(12)), end);
        association.answerProfile(association.jobsOf(second, 1, Duration.ofSeconds(10)), PERIOD);
        assertThat(ReadProgress.awaitDone(second)).isEqualTo(1);

        // the silent meter declared nothing: the day expects of it what its vendor's meters declare
        Map<String, Object> day = rate(vendor);
        assertThat(day).isNotNull();
        assertThat(day.get("meters")).isEqualTo(4);
        assertThat(((Number) day.get("expected")).longValue()).isEqualTo(3 * PER_DAY + PER_DAY / 2);
        assertThat(((Number) day.get("stored")).longValue()).isEqualTo(2 * PER_DAY + PER_DAY / 2);
        assertThat(day.get("unknownPeriod")).isEqualTo(0);
        JsonPath gaps = gaps(silent);
        assertThat(gaps.getString("periodFrom")).isEqualTo("vendor");
        assertThat(gaps.getLong("capturePeriodSeconds")).isEqualTo(PERIOD);
        assertThat(gaps.getLong("expected")).isEqualTo(PER_DAY);
        assertThat(gaps.getLong("missing")).isEqualTo(PER_DAY);
        assertThat(gaps.getList("gaps")).hasSize(1);
        assertThat(gaps(a).getString("periodFrom")).isEqualTo("meter");
        assertThat(gaps(b).getLong("missing")).isZero();

        // backfill reads the silent meter's whole window again, once; it answers: its period and intervals are stored
        List<MeterJob> first = association.jobsWhere(j -> j.meterId().equals(silent), 1, Duration.ofSeconds(30));
        assertThat(first).hasSize(1);
        ReadProfile asked = (ReadProfile) first.get(0).command();
        assertThat(asked.from()).isEqualTo(DAY);
        assertThat(asked.to()).isEqualTo(end);
        // background work: association-service admits on-demand work and commands before it
        assertThat(first.get(0).priority()).isEqualTo(org.amihes.contracts.JobPriority.SCHEDULED);
        association.answerProfile(first, PERIOD);
        assertThat(ReadProgress.awaitDone(first.get(0).batchId())).isEqualTo(1);
        JsonPath after = gaps(silent);
        assertThat(after.getString("periodFrom")).isEqualTo("meter");
        assertThat(after.getLong("stored")).isEqualTo(PER_DAY);
        assertThat(after.getList("gaps")).isEmpty();
        Map<String, Object> full = rate(vendor);
        assertThat(((Number) full.get("stored")).longValue()).isEqualTo(3 * PER_DAY + PER_DAY / 2);
        assertThat(((Number) full.get("rate")).doubleValue()).isEqualTo(1.0);
        Thread.sleep(1500);
        assertThat(association.jobsWhere(j -> meters.contains(j.meterId()), 1, Duration.ofMillis(500))).isEmpty();
    }

    @Test
    void aMeterOfAVendorNoMeterOfWhichEverAnsweredIsReportedUnknownUntilItsFirstReadAnswers() throws Exception {
        String vendor = "vendor-" + RUN + "-u";
        String meter = meters("U", 1).get(0);
        association.register(List.of(meter), vendor);
        Instant end = DAY.plus(Duration.ofDays(1));
        String batch = read(List.of(meter), DAY, end);
        association.fail(association.jobsOf(batch, 1, Duration.ofSeconds(10)));
        assertThat(ReadProgress.awaitDone(batch)).isZero();
        Map<String, Object> day = rate(vendor);
        assertThat(day.get("unknownPeriod")).isEqualTo(1);
        assertThat(day.get("meters")).isEqualTo(0);
        assertThat(day.get("rate")).isNull();
        assertProblem(given().queryParam("meter", meter).queryParam("from", DAY.toString())
                .queryParam("to", end.toString()).get("/gaps").then(), 409, "conflict", "meter");

        List<MeterJob> first = association.jobsWhere(j -> j.meterId().equals(meter), 1, Duration.ofSeconds(30));
        assertThat(first).hasSize(1);
        assertThat(((ReadProfile) first.get(0).command()).from()).isEqualTo(DAY);
        association.answerProfile(first, PERIOD);
        assertThat(ReadProgress.awaitDone(first.get(0).batchId())).isEqualTo(1);
        Map<String, Object> known = rate(vendor);
        assertThat(known.get("unknownPeriod")).isEqualTo(0);
        assertThat(known.get("meters")).isEqualTo(1);
        assertThat(((Number) known.get("expected")).longValue()).isEqualTo(PER_DAY);
        assertThat(((Number) known.get("rate")).doubleValue()).isEqualTo(1.0);
    }

    static String schedule(String name, List<String> meters, String parameters) {
        return "{\"name\":\"" + name + "\",\"group\":{\"meterIds\":[\"" + String.join("\",\"", meters) + "\"]},"
                + "\"cron\":\"0 0 1 1 *\",\"job\":{\"kind\":\"read-profile\"" + (parameters == null ? ""
                : ",\"parameters\":" + parameters) + "}}";
    }

    @Test
    void aProfileScheduleReadsEachMeterFromItsLastStoredIntervalOn() throws Exception {
        List<String> meters = meters("S", 2);
        association.register(meters, "vendor-" + RUN + "-s");
        String known = meters.get(0);
        String fresh = meters.get(1);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(5));
        String batch = read(List.of(known), t0, t0.plus(Duration.ofHours(1)));
        association.answerProfile(association.jobsOf(batch, 1, Duration.ofSeconds(10)), PERIOD);
        assertThat(ReadProgress.awaitDone(batch)).isEqualTo(1);
        Instant lastStored = t0.plus(Duration.ofHours(1)).minusSeconds(PERIOD);

        String id = given().contentType(ContentType.JSON).body(schedule(RUN + "-profiles", meters, "{\"firstRead\":\"PT2H\"}"))
                .post("/schedules").then().statusCode(201).extract().path("id");
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Response run = given().post("/schedules/" + id + "/run").then().statusCode(202).extract().response();
        Instant after = Instant.now();
        assertThat(run.<Integer>path("requested")).isEqualTo(2);
        List<MeterJob> jobs = association.jobsOf(run.path("batchId"), 2, Duration.ofSeconds(10));
        assertThat(jobs).hasSize(2);
        // a schedule's reads yield to on-demand work in association-service's admission
        assertThat(jobs).extracting(MeterJob::priority).containsOnly(org.amihes.contracts.JobPriority.SCHEDULED);
        Map<String, ReadProfile> asked = new LinkedHashMap<>();
        jobs.forEach(j -> asked.put(j.meterId(), (ReadProfile) j.command()));
        Instant to = asked.get(known).to();
        assertThat(to).isBetween(before, after);
        assertThat(asked.get(known).from()).isEqualTo(lastStored.plusSeconds(1));
        assertThat(asked.get(known).profile()).isEqualTo("1.0.99.1.0.255");
        assertThat(asked.get(fresh).from()).isEqualTo(to.minus(Duration.ofHours(2)));
        assertThat(asked.get(fresh).to()).isEqualTo(to);
        association.answerProfile(jobs, PERIOD);
        assertThat(ReadProgress.awaitDone(run.path("batchId"))).isEqualTo(2);

        // the next fire starts after what the first stored, for both
        Instant newest = Instant.ofEpochSecond(Math.floorDiv(to.getEpochSecond() - 1, PERIOD) * PERIOD);
        Response next = given().post("/schedules/" + id + "/run").then().statusCode(202).extract().response();
        List<MeterJob> nextJobs = association.jobsOf(next.path("batchId"), 2, Duration.ofSeconds(10));
        assertThat(nextJobs).hasSize(2).allSatisfy(j ->
                assertThat(((ReadProfile) j.command()).from()).isEqualTo(newest.plusSeconds(1)));
        association.answerProfile(nextJobs, PERIOD);
        assertThat(ReadProgress.awaitDone(next.path("batchId"))).isEqualTo(2);
        // every capture time from t0 on is stored once, for the known meter
        long captures = (newest.getEpochSecond() - t0.getEpochSecond()) / PERIOD + 1;
        long lastTo = ((ReadProfile) nextJobs.get(0).command()).to().getEpochSecond();
        long more = (Math.floorDiv(lastTo - 1, PERIOD) * PERIOD - newest.getEpochSecond()) / PERIOD;
        assertThat(sql("SELECT count(*) FROM polling.profile_interval WHERE meter_id = ?", known)).isEqualTo(captures + more);
        given().delete("/schedules/" + id).then().statusCode(204);
    }

    @Test
    void anUnknownGroupAnImpossibleCronAndARangeInTheFutureAreSpecific4xxAndStoreNothing() throws Exception {
        List<String> meters = meters("F", 1);
        association.register(meters, "vendor-" + RUN + "-f");
        String name = RUN + "-bad-group";
        assertProblem(given().contentType(ContentType.JSON).body("{\"name\":\"" + name + "\",\"group\":{\"vendor\":\"no-such-"
                        + RUN + "\"},\"everySeconds\":900,\"job\":{\"kind\":\"read-profile\"}}").post("/schedules").then(),
                422, "unknown-group", "group.vendor");
        assertProblem(given().contentType(ContentType.JSON).body(schedule(name, meters, null).replace("0 0 1 1 *", "0 0 31 2 *"))
                .post("/schedules").then(), 400, "invalid-cron", "cron");
        assertThat(sql("SELECT count(*) FROM polling.schedule WHERE name = ?", name)).isZero();
        // a range in the future under an Idempotency-Key: refused, and the key is not used up
        Instant now = Instant.now();
        String key = RUN + "-future";
        assertProblem(given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(body(meters, now.minusSeconds(3600), now.plusSeconds(3600))).post("/profiles/reads").then(), 400,
                "invalid-field", "to");
        assertProblem(given().queryParam("meter", meters.get(0)).queryParam("from", now.plusSeconds(3600).toString())
                .queryParam("to", now.plusSeconds(7200).toString()).get("/gaps").then(), 400, "invalid-field", "from");
        assertThat(sql("SELECT count(*) FROM polling.read_job WHERE meter_id = ?", meters.get(0))).isZero();
        assertThat(sql("SELECT count(*) FROM polling.meter_profile WHERE meter_id = ?", meters.get(0))).isZero();
        given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(body(meters, now.minusSeconds(7200), now.minusSeconds(3600))).post("/profiles/reads").then()
                .statusCode(202);
    }

    @Test
    void badProfileScheduleParametersAreSpecific4xxAndStoreNothing() throws Exception {
        List<String> meters = meters("B", 1);
        association.register(meters, "vendor-" + RUN + "-b");
        record Bad(String parameters, String type, String field) {
        }
        List<Bad> cases = List.of(
                new Bad("{\"profile\":\"0.0.99.98.4.255\"}", "invalid-field", "job.parameters.profile"),
                new Bad("{\"profile\":7}", "invalid-field", "job.parameters.profile"),
                new Bad("{\"firstRead\":\"yesterday\"}", "wrong-type", "job.parameters.firstRead"),
                new Bad("{\"firstRead\":\"P90D\"}", "invalid-field", "job.parameters.firstRead"),
                new Bad("{\"firstRead\":\"-PT1H\"}", "invalid-field", "job.parameters.firstRead"),
                new Bad("{\"colour\":\"red\"}", "unknown-field", "job.parameters.colour"),
                new Bad("[1]", "invalid-field", "job.parameters"));
        for (int i = 0; i < cases.size(); i++) {
            Bad c = cases.get(i);
            String name = RUN + "-bad-" + i;
            assertProblem(given().contentType(ContentType.JSON).body(schedule(name, meters, c.parameters()))
                    .post("/schedules").then(), 400, c.type(), c.field());
            assertThat(sql("SELECT count(*) FROM polling.schedule WHERE name = ?", name)).as(c.parameters()).isZero();
        }
    }
}
