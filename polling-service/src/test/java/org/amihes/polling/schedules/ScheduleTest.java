package org.amihes.polling.schedules;

import static io.restassured.RestAssured.given;
import static org.amihes.service.testing.TestDatabase.sql;
import static org.amihes.service.testing.BadRequests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.amihes.contracts.MeterJob;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Schedules against the real PostgreSQL and RabbitMQ; the test plays association-service ({@link FakeAssociation}).
 */
@QuarkusTest
class ScheduleTest {

    static final String RUN = "SC" + UUID.randomUUID().toString().substring(0, 6);
    static final String VENDOR = "vendor-" + RUN;
    static final List<String> METERS = IntStream.rangeClosed(1, 5).mapToObj(i -> RUN + "-" + i).toList();
    static FakeAssociation association;
    static boolean registered;

    @Inject
    ScheduleFiring firing;

    @BeforeAll
    static void broker() throws Exception {
        association = new FakeAssociation();
        // the test database outlives runs: schedules of earlier runs would fire (and bind jobs) in this one
        sql("DELETE FROM polling.schedule");
    }

    @BeforeEach
    void registry() throws Exception {
        if (!registered) {
            registered = true;
            association.register(METERS, VENDOR);
        }
    }

    @AfterAll
    static void close() throws Exception {
        association.close();
    }

    static String spec(String name, String group, String timing, String job) {
        return "{\"name\":\"" + name + "\",\"group\":" + group + "," + timing + ",\"job\":" + job + "}";
    }

    static final String READS = "{\"kind\":\"read-registers\",\"parameters\":{\"registers\":[\"1.0.1.8.0.255\",\"1.0.2.8.0.255\"]}}";

    @Test
    void crudAnswersNextAndLastFire() {
        String name = RUN + "-crud";
        Response created = given().contentType(ContentType.JSON)
                .body(spec(name, "{\"vendor\":\"" + VENDOR + "\"}", "\"cron\":\"0 3 * * *\",\"timeZone\":\"Europe/Berlin\"", READS))
                .post("/schedules").then().statusCode(201).extract().response();
        String id = created.path("id");
        assertThat(created.header("Location")).endsWith("/schedules/" + id);
        // 03:00 in Berlin is 01:00 or 02:00 UTC
        Instant next = Instant.parse(created.path("nextFire"));
        assertThat(next).isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofHours(25)));
        assertThat(next.atZone(java.time.ZoneId.of("Europe/Berlin")).getHour()).isEqualTo(3);
        assertThat(created.<List<String>>path("job.parameters.registers")).containsExactly("1.0.1.8.0.255", "1.0.2.8.0.255");

        given().contentType(ContentType.JSON)
                .body(spec(name, "{\"meterIds\":[\"" + METERS.get(0) + "\"]}", "\"everySeconds\":3600", "{\"kind\":\"read-registers\"}"))
                .put("/schedules/" + id).then().statusCode(200);
        Response got = given().get("/schedules/" + id).then().statusCode(200).extract().response();
        assertThat(got.<List<String>>path("group.meterIds")).containsExactly(METERS.get(0));
        assertThat(got.<Integer>path("everySeconds")).isEqualTo(3600);
        assertThat(got.<List<String>>path("job.parameters.registers")).containsExactly("1.0.1.8.0.255");
        assertThat(given().get("/schedules").then().statusCode(200).extract().<List<String>>path("id")).contains(id);

        given().delete("/schedules/" + id).then().statusCode(204);
        assertProblem(given().get("/schedules/" + id).then(), 404, "not-found", "id");
        assertProblem(given().post("/schedules/" + id + "/run").then(), 404, "not-found", "id");
    }

    record Bad(String name, String group, String timing, String job, int status, String type, String field) {
    }

    @Test
    void badSchedulesAreSpecific4xxAndStoreNothing() throws Exception {
        String vendor = "{\"vendor\":\"" + VENDOR + "\"}";
        List<Bad> cases = List.of(
                new Bad("unknown-vendor", "{\"vendor\":\"no-such-vendor\"}", "\"everySeconds\":60", READS, 422, "unknown-group", "group.vendor"),
                new Bad("unknown-meter", "{\"meterIds\":[\"" + METERS.get(0) + "\",\"" + RUN + "-nope\"]}", "\"everySeconds\":60", READS,
                        422, "unknown-group", "group.meterIds[1]"),
                new Bad("empty-group", "{\"meterIds\":[]}", "\"everySeconds\":60", READS, 422, "empty-group", "group.meterIds"),
                new Bad("no-group", "{}", "\"everySeconds\":60", READS, 400, "invalid-request", "group"),
                new Bad("feb-30", vendor, "\"cron\":\"0 0 30 2 *\"", READS, 400, "invalid-cron", "cron"),
                new Bad("apr-31", vendor, "\"cron\":\"0 0 31 4 *\"", READS, 400, "invalid-cron", "cron"),
                new Bad("minute-61", vendor, "\"cron\":\"61 * * * *\"", READS, 400, "invalid-cron", "cron"),
                new Bad("not-cron", vendor, "\"cron\":\"every day\"", READS, 400, "invalid-cron", "cron"),
                new Bad("bad-zone", vendor, "\"cron\":\"0 0 * * *\",\"timeZone\":\"Mars/Olympus\"", READS, 400, "invalid-field", "timeZone"),
                new Bad("both-timings", vendor, "\"cron\":\"0 0 * * *\",\"everySeconds\":60", READS, 400, "invalid-request", "cron"),
                new Bad("no-timing", vendor, "\"enabled\":true", READS, 400, "invalid-request", "everySeconds"),
                new Bad("zero-seconds", vendor, "\"everySeconds\":0", READS, 400, "invalid-field", "everySeconds"),
                new Bad("unknown-kind", vendor, "\"everySeconds\":60", "{\"kind\":\"make-coffee\"}", 400, "invalid-field", "job.kind"),
                new Bad("bad-register", vendor, "\"everySeconds\":60",
                        "{\"kind\":\"read-registers\",\"parameters\":{\"registers\":[\"1.0.1.8.0.255\",\"1.8.0\"]}}", 400,
                        "invalid-field", "job.parameters.registers[1]"),
                new Bad("unknown-parameter", vendor, "\"everySeconds\":60",
                        "{\"kind\":\"read-registers\",\"parameters\":{\"profile\":\"1.0.99.1.0.255\"}}", 400,
                        "unknown-field", "job.parameters.profile"));
        for (Bad c : cases) {
            String name = RUN + "-bad-" + c.name();
            assertProblem(given().contentType(ContentType.JSON).body(spec(name, c.group(), c.timing(), c.job()))
                    .post("/schedules").then(), c.status(), c.type(), c.field());
            assertThat(sql("SELECT count(*) FROM polling.schedule WHERE name = ?", name)).as(c.name()).isZero();
        }
        // a PUT with bad input changes nothing either
        String id = given().contentType(ContentType.JSON).body(spec(RUN + "-keep", vendor, "\"everySeconds\":3600", READS))
                .post("/schedules").then().statusCode(201).extract().path("id");
        assertProblem(given().contentType(ContentType.JSON).body(spec(RUN + "-changed", vendor, "\"cron\":\"0 0 30 2 *\"", READS))
                .put("/schedules/" + id).then(), 400, "invalid-cron", "cron");
        assertThat(sql("SELECT count(*) FROM polling.schedule WHERE name = ? AND every_seconds = 3600", RUN + "-keep")).isOne();
        given().delete("/schedules/" + id).then().statusCode(204);
    }

    @Test
    void anIntervalScheduleFiresEveryPeriodAndItsBatchesRead() throws Exception {
        List<String> meters = METERS.subList(0, 3);
        String id = given().contentType(ContentType.JSON)
                .body(spec(RUN + "-every2", "{\"meterIds\":" + json(meters) + "}", "\"everySeconds\":2", READS))
                .post("/schedules").then().statusCode(201).extract().path("id");
        // each fire's jobs are answered at once, so no fire is skipped for a running batch
        long deadline = System.nanoTime() + Duration.ofSeconds(7).toNanos();
        List<String> answered = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            for (Map<String, Object> fire : fires(id)) {
                String batch = (String) fire.get("batchId");
                if (batch != null && !answered.contains(batch)) {
                    List<MeterJob> jobs = association.jobsOf(batch, 3, Duration.ofSeconds(5));
                    assertThat(jobs).extracting(MeterJob::meterId).containsExactlyInAnyOrderElementsOf(meters);
                    association.answer(jobs, Instant.now().truncatedTo(ChronoUnit.SECONDS));
                    answered.add(batch);
                }
            }
            Thread.sleep(100);
        }
        given().delete("/schedules/" + id).then().statusCode(204);
        assertThat(answered).hasSizeBetween(2, 4);
        List<Map<String, Object>> fires = fires(id);
        assertThat(fires).isEmpty(); // deleted with the schedule; the batches stay
        for (String batch : answered) {
            given().get("/reads/" + batch).then().statusCode(200);
            assertThat(ReadProgress.awaitDone(batch)).isEqualTo(3);
        }
    }

    @Test
    void afterDowntimeAScheduleFiresOnceWhateverTheReplicasAndNextFireIsInTheFuture() throws Exception {
        String id = given().contentType(ContentType.JSON)
                .body(spec(RUN + "-missed", "{\"meterIds\":" + json(METERS.subList(0, 2)) + "}", "\"everySeconds\":3600", READS))
                .post("/schedules").then().statusCode(201).extract().path("id");
        // as after a day without any replica: 24 fires missed
        sql("UPDATE polling.schedule SET next_fire = now() - interval '1 day' + interval '1 second', "
                + "updated_at = now() - interval '2 days' WHERE schedule_id = ?::uuid", id);
        // eight claimers at once, each on its own connection and transaction, plus this service's own ticker
        List<CompletableFuture<java.util.Optional<ScheduleFire>>> claims = IntStream.range(0, 8)
                .mapToObj(i -> firing.fireDue().subscribeAsCompletionStage()).toList();
        claims.forEach(CompletableFuture::join);
        Thread.sleep(1000); // a few ticks of the ticker
        assertThat(sql("SELECT count(*) FROM polling.schedule_fire WHERE schedule_id = ?::uuid AND outcome = 'FIRED'", id)).isOne();
        Response view = given().get("/schedules/" + id).then().statusCode(200).extract().response();
        Instant next = Instant.parse(view.path("nextFire"));
        assertThat(next).isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofHours(1)).plusSeconds(1));
        assertThat(view.<String>path("lastFire.trigger")).isEqualTo("SCHEDULED");
        assertThat(view.<Integer>path("lastFire.requested")).isEqualTo(2);
        String batch = view.path("lastFire.batchId");
        association.answer(association.jobsOf(batch, 2, Duration.ofSeconds(10)), Instant.now().truncatedTo(ChronoUnit.SECONDS));
        assertThat(ReadProgress.awaitDone(batch)).isEqualTo(2);
        given().delete("/schedules/" + id).then().statusCode(204);
    }

    @Test
    void aFireWhosePreviousBatchStillRunsIsSkipped() throws Exception {
        String id = given().contentType(ContentType.JSON)
                .body(spec(RUN + "-slow", "{\"meterIds\":" + json(METERS.subList(3, 5)) + "}", "\"everySeconds\":1", READS))
                .post("/schedules").then().statusCode(201).extract().path("id");
        Thread.sleep(3500); // jobs not answered: the fleet is slow
        List<Map<String, Object>> fires = fires(id);
        given().delete("/schedules/" + id).then().statusCode(204);
        assertThat(fires).filteredOn(f -> "FIRED".equals(f.get("outcome"))).hasSize(1);
        assertThat(fires).filteredOn(f -> "SKIPPED".equals(f.get("outcome"))).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(f -> assertThat((String) f.get("detail")).contains("still has jobs outstanding"));
        String batch = (String) fires.stream().filter(f -> "FIRED".equals(f.get("outcome"))).findFirst().orElseThrow().get("batchId");
        association.answer(association.jobsOf(batch, 2, Duration.ofSeconds(10)), Instant.now().truncatedTo(ChronoUnit.SECONDS));
        assertThat(ReadProgress.awaitDone(batch)).isEqualTo(2);
    }

    @Test
    void runNowStreamsTheBatchProgressOverServerSentEvents() throws Exception {
        String id = given().contentType(ContentType.JSON)
                .body(spec(RUN + "-manual", "{\"vendor\":\"" + VENDOR + "\"}", "\"cron\":\"0 0 1 1 *\"", READS))
                .post("/schedules").then().statusCode(201).extract().path("id");
        Response run = given().post("/schedules/" + id + "/run").then().statusCode(202).extract().response();
        String batch = run.path("batchId");
        assertThat(run.header("Location")).endsWith("/reads/" + batch);
        assertThat(run.<String>path("trigger")).isEqualTo("MANUAL");
        assertThat(run.<Integer>path("requested")).isEqualTo(METERS.size());

        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + "/reads/" + batch + "/events"))
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.admin()).build();
        CompletableFuture<List<String>> events = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .thenApply(r -> {
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
                    return r.body().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).trim()).toList();
                });
        Thread.sleep(1200); // at least one event while nothing is answered
        List<MeterJob> jobs = association.jobsOf(batch, METERS.size(), Duration.ofSeconds(10));
        association.answer(jobs.subList(0, 2), Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Thread.sleep(1200);
        association.answer(jobs.subList(2, jobs.size()), Instant.now().truncatedTo(ChronoUnit.SECONDS));
        List<String> data = events.get(30, java.util.concurrent.TimeUnit.SECONDS); // the stream ends when done
        List<Map<String, Object>> progress = new ArrayList<>();
        for (String d : data) {
            progress.add(FakeAssociation.JSON.readValue(d, Map.class));
        }
        assertThat(progress).hasSizeGreaterThanOrEqualTo(2);
        assertThat(progress.get(0)).containsEntry("done", false).containsEntry("completed", 0);
        assertThat(progress.get(progress.size() - 1)).containsEntry("done", true).containsEntry("completed", METERS.size())
                .containsEntry("ok", METERS.size());
        assertThat(progress.subList(0, progress.size() - 1)).allSatisfy(p -> assertThat(p).containsEntry("done", false));
        assertThat(fires(id)).hasSize(1);
        assertProblem(given().accept("text/event-stream").get("/reads/not-a-batch/events").then(), 404, "not-found", "batchId");
        given().delete("/schedules/" + id).then().statusCode(204);
    }

    @Test
    void aGroupOfTenThousandListedMetersFiresOneBatchOfTenThousandJobs() throws Exception {
        List<String> many = IntStream.rangeClosed(1, 10_000).mapToObj(i -> String.format("%s-T%05d", RUN, i)).toList();
        association.register(many, VENDOR + "-10k");
        long t0 = System.nanoTime();
        String id = given().contentType(ContentType.JSON)
                .body(spec(RUN + "-10k", "{\"meterIds\":" + json(many) + "}", "\"cron\":\"0 0 1 1 *\"", READS))
                .post("/schedules").then().statusCode(201).extract().path("id");
        Response run = given().post("/schedules/" + id + "/run").then().statusCode(202).extract().response();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String batch = run.path("batchId");
        assertThat(run.<Integer>path("requested")).isEqualTo(10_000);
        List<MeterJob> jobs = association.jobsOf(batch, 10_000, Duration.ofSeconds(60));
        assertThat(jobs).extracting(MeterJob::meterId).containsExactlyInAnyOrderElementsOf(many);
        // a schedule's reads yield to on-demand work in association-service's admission
        assertThat(jobs).extracting(MeterJob::priority).containsOnly(org.amihes.contracts.JobPriority.SCHEDULED);
        association.answer(jobs, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        assertThat(ReadProgress.awaitDone(batch)).isEqualTo(10_000);
        System.out.printf("10,000-meter schedule: created and fired in %d ms%n", ms);
        given().delete("/schedules/" + id).then().statusCode(204);
    }

    /**
     * A schedule's group of 10,000 listed meters replaced by PUT with another 10,000 (half of them new): the answer
     * and a later read of the schedule hold the new list, and a fire reads exactly the new meters, none of the old.
     */
    @Test
    void aGroupOfTenThousandListedMetersReplacedByAnotherFiresExactlyTheNewOnes() throws Exception {
        List<String> first = IntStream.range(0, 10_000).mapToObj(i -> String.format("%s-P%05d", RUN, i)).toList();
        List<String> second = IntStream.range(5_000, 15_000).mapToObj(i -> String.format("%s-P%05d", RUN, i)).toList();
        association.register(IntStream.range(0, 15_000).mapToObj(i -> String.format("%s-P%05d", RUN, i)).toList(),
                VENDOR + "-put");
        String id = given().contentType(ContentType.JSON)
                .body(spec(RUN + "-put", "{\"meterIds\":" + json(first) + "}", "\"cron\":\"0 0 1 1 *\"", READS))
                .post("/schedules").then().statusCode(201).extract().path("id");
        Response replaced = given().contentType(ContentType.JSON)
                .body(spec(RUN + "-put", "{\"meterIds\":" + json(second) + "}", "\"cron\":\"0 0 1 1 *\"", READS))
                .put("/schedules/" + id).then().statusCode(200).extract().response();
        assertThat(replaced.<List<String>>path("group.meterIds")).containsExactlyElementsOf(second);
        assertThat(given().get("/schedules/" + id).then().statusCode(200).extract().<List<String>>path("group.meterIds"))
                .containsExactlyElementsOf(second);
        Response run = given().post("/schedules/" + id + "/run").then().statusCode(202).extract().response();
        assertThat(run.<Integer>path("requested")).isEqualTo(10_000);
        List<MeterJob> jobs = association.jobsOf(run.path("batchId"), 10_000, Duration.ofSeconds(60));
        assertThat(jobs).extracting(MeterJob::meterId).containsExactlyInAnyOrderElementsOf(second);
        association.answer(jobs, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        assertThat(ReadProgress.awaitDone(run.path("batchId"))).isEqualTo(10_000);
        given().delete("/schedules/" + id).then().statusCode(204);
    }

    /**
     * A filter group (service-commons MeterGroup: vendor and tags) over a 10,000-meter registry view, announced by
     * registry events with tags (the test's model: meter n is of the run's vendor unless n % 4 == 0, carries
     * zone-(n % 5) and, when n % 9 == 0, the run's pilot tag): the fire reads exactly the meters the model selects.
     */
    @Test
    void aGroupByVendorAndTagsFiresExactlyItsMetersOfATenThousandMeterRegistry() throws Exception {
        String vendor = VENDOR + "-tags";
        String pilot = "pilot-" + RUN;
        List<org.amihes.contracts.RegisteredMeter> registry = new ArrayList<>();
        Instant now = Instant.now();
        for (int n = 0; n < 10_000; n++) {
            List<String> tags = new ArrayList<>(List.of("zone-" + (n % 5)));
            if (n % 9 == 0) {
                tags.add(pilot);
            }
            registry.add(new org.amihes.contracts.RegisteredMeter(String.format("%s-G%05d", RUN, n),
                    n % 4 == 0 ? VENDOR + "-other" : vendor, now, tags));
        }
        association.register(registry);
        List<String> expected = IntStream.range(0, 10_000).filter(n -> n % 4 != 0 && n % 5 == 2 && n % 9 == 0)
                .mapToObj(n -> String.format("%s-G%05d", RUN, n)).toList();
        assertThat(expected).hasSizeGreaterThan(100);
        String group = "{\"vendor\":\"" + vendor + "\",\"tags\":[\"zone-2\",\"" + pilot + "\"]}";
        Response created = given().contentType(ContentType.JSON)
                .body(spec(RUN + "-tags", group, "\"cron\":\"0 0 1 1 *\"", READS)).post("/schedules").then()
                .statusCode(201).extract().response();
        assertThat(created.<List<String>>path("group.tags")).containsExactly("zone-2", pilot);
        String id = created.path("id");
        Response run = given().post("/schedules/" + id + "/run").then().statusCode(202).extract().response();
        assertThat(run.<Integer>path("requested")).isEqualTo(expected.size());
        List<MeterJob> jobs = association.jobsOf(run.path("batchId"), expected.size(), Duration.ofSeconds(60));
        assertThat(jobs).extracting(MeterJob::meterId).containsExactlyInAnyOrderElementsOf(expected);
        association.answer(jobs, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        given().delete("/schedules/" + id).then().statusCode(204);

        assertProblem(given().contentType(ContentType.JSON).body(spec(RUN + "-no-tag",
                "{\"tags\":[\"no-such-tag-" + RUN + "\"]}", "\"everySeconds\":60", READS)).post("/schedules").then(),
                422, "unknown-group", "group.tags");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> fires(String id) {
        Response r = given().get("/schedules/" + id).then().extract().response();
        return r.statusCode() == 404 ? List.of() : r.path("fires");
    }

    static String json(List<String> ids) throws Exception {
        return FakeAssociation.JSON.writeValueAsString(ids);
    }
}
