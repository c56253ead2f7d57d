package org.amihes.firmware.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.amihes.contracts.FirmwareState;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobBatch;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.MeterJobResultBatch;
import org.amihes.contracts.MeterRegistryChange;
import org.amihes.contracts.ReadFirmware;
import org.amihes.contracts.RegisteredMeter;
import org.amihes.contracts.TransferImage;
import org.amihes.service.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * firmware-service against the real PostgreSQL and RabbitMQ; the test plays association-service on the broker (it
 * announces the registry, takes the published jobs and answers some). The meters' DLMS side is proven end to end in
 * e2e-tests FirmwareCampaignIT.
 */
@QuarkusTest
class CampaignFlowTest {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    static final String JOBS = "meter-jobs.by-meter-ftest";
    static final String RESULTS = "meter-results-ftest";
    static final String REGISTRY = "meter-registry-ftest";
    static Connection connection;
    static Channel channel;
    static String jobQueue;

    @BeforeAll
    static void broker() throws Exception {
        TestJobQueue broker = new TestJobQueue("firmware-service-test", JOBS);
        connection = broker.connection;
        channel = broker.channel;
        jobQueue = broker.queue;
    }

    static void publishRegistry(List<String> ids, String vendor) throws Exception {
        publish(ids.stream().map(id -> new RegisteredMeter(id, vendor, Instant.now())).toList());
    }

    /** As association-service announces registry changes: up to MAX_METERS per event. */
    static void publish(List<RegisteredMeter> meters) throws Exception {
        for (int from = 0; from < meters.size(); from += MeterRegistryChange.MAX_METERS) {
            List<RegisteredMeter> part = meters.subList(from, Math.min(meters.size(), from + MeterRegistryChange.MAX_METERS));
            channel.basicPublish(REGISTRY, MeterRegistryChange.ROUTING_KEY, null,
                    JSON.writeValueAsBytes(new MeterRegistryChange(UUID.randomUUID().toString(), false, part)));
        }
    }

    static void awaitView(String lastId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (TestDatabase.count("select count(*) from firmware.meter where meter_id = ?", lastId) == 0) {
            assertThat(System.nanoTime()).as("registry view never got " + lastId).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    static String upload(String identifier, String model) {
        byte[] bytes = new byte[3000];
        new java.util.Random(identifier.hashCode()).nextBytes(bytes);
        return given().contentType("application/octet-stream").queryParam("identifier", identifier)
                .queryParam("version", identifier).queryParam("vendor", "AUR").queryParam("model", model).body(bytes)
                .post("/images").then().statusCode(201).extract().path("id");
    }

    static List<MeterJob> jobsOf(String campaign, int atLeast, Duration timeout) throws Exception {
        List<MeterJob> jobs = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (jobs.size() < atLeast && System.nanoTime() < deadline) {
            GetResponse r = channel.basicGet(jobQueue, true);
            if (r == null) {
                Thread.sleep(20);
                continue;
            }
            for (MeterJob job : JSON.readValue(r.getBody(), MeterJobBatch.class).jobs()) {
                if (campaign.equals(job.batchId())) {
                    jobs.add(job);
                }
            }
        }
        return jobs;
    }

    static void answer(List<MeterJobResult> results) throws Exception {
        channel.basicPublish(RESULTS, MeterJobResultBatch.routingKey(results.get(0).command()), null,
                JSON.writeValueAsBytes(new MeterJobResultBatch(results)));
    }

    @Test
    void tenThousandMetersMakeOneCampaignWithARowEachAndOnlyTheConcurrencyBoundInFlight() throws Exception {
        String run = "C" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> ids = IntStream.range(0, 10_000).mapToObj(i -> run + String.format("%05d", i)).toList();
        publishRegistry(ids, "aurora-ax1");
        publishRegistry(List.of(run + "other"), "corvus-c3");
        awaitView(ids.get(ids.size() - 1));
        awaitView(run + "other");
        String image = upload("AUR-AX1-" + run, "aurora-ax1");

        List<String> targets = new ArrayList<>(ids);
        targets.add(run + "other");
        targets.add(run + "unknown");
        String key = run + "key";
        Map<String, Object> body = Map.of("imageId", image, "meterIds", targets, "concurrency", 25, "batchSize", 10);
        long start = System.nanoTime();
        String campaign = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/campaigns").then().statusCode(201).body("meters", equalTo(10_002)).extract().path("id");
        long createMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(createMillis).as("10,002 targets stored in one request").isLessThan(20_000);
        assertThat(TestDatabase.count("select count(*) from firmware.campaign_meter where campaign_id = ?::uuid", campaign))
                .isEqualTo(10_002);
        // the same key and request: the same campaign, nothing more stored
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body).post("/campaigns").then()
                .statusCode(200).body("id", equalTo(campaign));
        assertThat(TestDatabase.count("select count(*) from firmware.campaign where idempotency_key = ?", key)).isEqualTo(1);

        JsonPath other = given().get("/campaigns/" + campaign + "/meters/" + run + "other").then().statusCode(200)
                .extract().jsonPath();
        assertThat(other.getString("state")).isEqualTo("REFUSED");
        assertThat(other.getString("failureCode")).isEqualTo("FW-001");
        assertThat(given().get("/campaigns/" + campaign + "/meters/" + run + "unknown").then().statusCode(200)
                .extract().jsonPath().getString("failureCode")).isEqualTo("FW-007");

        // batch by batch up to the bound: 25 read jobs, no more while none is answered
        List<MeterJob> first = jobsOf(campaign, 25, Duration.ofSeconds(20));
        assertThat(first).hasSize(25).allSatisfy(j -> assertThat(j.command()).isInstanceOf(ReadFirmware.class));
        assertThat(jobsOf(campaign, 1, Duration.ofSeconds(2))).as("nothing past the concurrency bound").isEmpty();
        JsonPath progress = given().get("/campaigns/" + campaign).then().statusCode(200).extract().jsonPath();
        assertThat(progress.getInt("byState.READING")).isEqualTo(25);
        assertThat(progress.getInt("byState.PENDING")).isEqualTo(10_000 - 25);

        // an answer moves a meter to its first chunk; a duplicate of it changes nothing
        MeterJob read = first.get(0);
        MeterJobResult ok = MeterJobResult.ok(read, "test", new FirmwareState("AUR-AX1-1.0", "AUR0001", 512, 0, 0));
        answer(List.of(ok));
        answer(List.of(ok));
        List<MeterJob> next = jobsOf(campaign, 2, Duration.ofSeconds(10)); // the chunk, and one new meter's read
        assertThat(next).anySatisfy(j -> {
            assertThat(j.meterId()).isEqualTo(read.meterId());
            TransferImage t = (TransferImage) j.command();
            assertThat(t.firstBlock()).isZero();
            assertThat(t.blockSize()).isEqualTo(512);
            assertThat(t.imageSize()).isEqualTo(3000);
        });
        assertThat(jobsOf(campaign, 1, Duration.ofSeconds(1))).as("the duplicate result sent nothing").isEmpty();
        assertThat(TestDatabase.count("select count(*) from firmware.campaign_event where campaign_id = ?::uuid "
                + "and meter_id = ? and event = 'READ'", campaign, read.meterId())).isEqualTo(1);

        // pause: no new meter; cancel: pending meters cancelled
        // by the realm's demo user firmware-manager, with a forged X-Actor: the campaign's audit names the token's user
        given().header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.user("firmware-manager"))
                .header("X-Actor", "forged-manager").post("/campaigns/" + campaign + "/pause").then().statusCode(200)
                .body("state", equalTo("PAUSED"));
        List<String> audit = given().get("/campaigns/" + campaign + "/events").then().statusCode(200).extract()
                .jsonPath().getList("findAll { it.event == 'PAUSED' }.detail");
        assertThat(audit).containsExactly("by firmware-manager");
        answer(List.of(MeterJobResult.ok(first.get(1), "test", new FirmwareState("AUR-AX1-1.0", "AUR0002", 512, 0, 0))));
        assertThat(jobsOf(campaign, 1, Duration.ofSeconds(2))).as("paused: held").isEmpty();
        given().post("/campaigns/" + campaign + "/resume").then().statusCode(200).body("state", equalTo("RUNNING"));
        List<MeterJob> resumed = jobsOf(campaign, 2, Duration.ofSeconds(10));
        assertThat(resumed).anySatisfy(j -> assertThat(j.meterId()).isEqualTo(first.get(1).meterId()));
        given().post("/campaigns/" + campaign + "/cancel").then().statusCode(200).body("state", equalTo("CANCELLED"));
        given().post("/campaigns/" + campaign + "/resume").then().statusCode(409);
        assertThat(TestDatabase.count("select count(*) from firmware.campaign_meter where campaign_id = ?::uuid "
                + "and state = 'PENDING'", campaign)).isZero();
    }

    @Test
    void aFilterTakesTheImagesModelFromTheViewAndNoOther() throws Exception {
        String run = "F" + UUID.randomUUID().toString().substring(0, 6) + "-";
        String model = "model-" + run.substring(0, 7);
        publishRegistry(List.of(run + "1", run + "2"), model);
        publishRegistry(List.of(run + "3"), "corvus-c3");
        awaitView(run + "2");
        awaitView(run + "3");
        String image = upload("AUR-" + run, model);
        given().contentType(ContentType.JSON).header("Idempotency-Key", run + "bad")
                .body(Map.of("imageId", image, "group", Map.of("vendor", "corvus-c3"))).post("/campaigns").then()
                .statusCode(400).body("type", equalTo("urn:amihes:problem:invalid-request"));
        Map<String, Object> window = new HashMap<>(Map.of("start", "00:00", "end", "23:59"));
        given().contentType(ContentType.JSON).header("Idempotency-Key", run + "ok")
                .body(Map.of("imageId", image, "group", Map.of("vendor", model), "window", window)).post("/campaigns")
                .then().statusCode(201).body("meters", equalTo(2)).body("windowStart", equalTo("00:00"));
    }

    /**
     * Issue 16: pause, resume and cancel applied twice have one effect. Both answers are 200 with the campaign in the
     * target state, firmware.campaign_event holds one event of that state, and the second resume publishes no job. Three
     * meters, one at a time (concurrency 1): the first meter's read is answered while paused, so its first chunk is held
     * until the resume sends it (the one job a resume publishes here); the other two stay PENDING until the cancel.
     */
    @Test
    void pauseResumeAndCancelTwiceHaveOneEffectEach() throws Exception {
        String run = "R" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> ids = List.of(run + "1", run + "2", run + "3");
        publishRegistry(ids, "aurora-ax1");
        awaitView(run + "3");
        String image = upload("AUR-AX1-" + run, "aurora-ax1");
        String campaign = given().contentType(ContentType.JSON).header("Idempotency-Key", run + "key")
                .body(Map.of("imageId", image, "meterIds", ids, "concurrency", 1, "batchSize", 1))
                .post("/campaigns").then().statusCode(201).extract().path("id");
        List<MeterJob> read = jobsOf(campaign, 1, Duration.ofSeconds(20));
        assertThat(read).hasSize(1).allSatisfy(j -> assertThat(j.meterId()).isEqualTo(run + "1"));
        assertThat(TestDatabase.count("select count(*) from firmware.campaign_meter where campaign_id = ?::uuid "
                + "and state = 'PENDING'", campaign)).as("one meter in flight, the bound").isEqualTo(2);

        for (int i = 0; i < 2; i++) {
            given().post("/campaigns/" + campaign + "/pause").then().statusCode(200).body("id", equalTo(campaign))
                    .body("state", equalTo("PAUSED"));
        }
        assertThat(stateEvents(campaign, "PAUSED")).isEqualTo(1);
        assertThat(TestDatabase.count("select count(*) from firmware.campaign where id = ?::uuid and state = 'PAUSED'",
                campaign)).isEqualTo(1);
        answer(List.of(MeterJobResult.ok(read.get(0), "test", new FirmwareState("AUR-AX1-1.0", "AUR0001", 512, 0, 0))));
        awaitCount(1, "select count(*) from firmware.campaign_meter where campaign_id = ?::uuid and meter_id = ? "
                + "and state = 'TRANSFERRING' and job_id is null", campaign, run + "1"); // read, chunk held
        assertThat(jobsOf(campaign, 1, Duration.ofSeconds(2))).as("paused: held").isEmpty();

        for (int i = 0; i < 2; i++) {
            given().post("/campaigns/" + campaign + "/resume").then().statusCode(200).body("id", equalTo(campaign))
                    .body("state", equalTo("RUNNING"));
        }
        List<MeterJob> resumed = jobsOf(campaign, 2, Duration.ofSeconds(5)); // waits out a second job, if one came
        assertThat(resumed).as("the held chunk once; no new meter while one is in flight").hasSize(1)
                .allSatisfy(j -> {
                    assertThat(j.meterId()).isEqualTo(run + "1");
                    assertThat(j.command()).isInstanceOf(TransferImage.class);
                });
        assertThat(stateEvents(campaign, "RUNNING")).isEqualTo(1);
        assertThat(TestDatabase.count("select sum(jobs_sent) from firmware.campaign_meter where campaign_id = ?::uuid",
                campaign)).as("the read and the chunk").isEqualTo(2);

        for (int i = 0; i < 2; i++) {
            given().post("/campaigns/" + campaign + "/cancel").then().statusCode(200).body("id", equalTo(campaign))
                    .body("state", equalTo("CANCELLED"));
        }
        assertThat(stateEvents(campaign, "CANCELLED")).isEqualTo(1);
        assertThat(TestDatabase.count("select count(*) from firmware.campaign_meter where campaign_id = ?::uuid "
                + "and state = 'CANCELLED'", campaign)).as("the two pending meters").isEqualTo(2);

        // cancelled is final: pausing or resuming it is refused and writes nothing
        for (String change : List.of("pause", "resume")) {
            given().post("/campaigns/" + campaign + "/" + change).then().statusCode(409)
                    .body("type", equalTo("urn:amihes:problem:conflict")).body("errors[0].field", equalTo("state"));
        }
        assertThat(stateEvents(campaign, "PAUSED")).isEqualTo(1);
        assertThat(stateEvents(campaign, "RUNNING")).isEqualTo(1);
        assertThat(TestDatabase.count("select count(*) from firmware.campaign where id = ?::uuid and state = 'CANCELLED'",
                campaign)).isEqualTo(1);
        assertThat(TestDatabase.count("select sum(jobs_sent) from firmware.campaign_meter where campaign_id = ?::uuid",
                campaign)).isEqualTo(2);
    }

    /** Campaign-level events named {@code state} (CampaignStore#setState writes them with no meter). */
    static long stateEvents(String campaign, String state) {
        return TestDatabase.count("select count(*) from firmware.campaign_event where campaign_id = ?::uuid "
                + "and meter_id is null and event = ?", campaign, state);
    }

    static void awaitCount(long expected, String sql, Object... parameters) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (TestDatabase.count(sql, parameters) != expected) {
            assertThat(System.nanoTime()).as(sql + " never counted " + expected).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Inject
    MeterRegistry metrics;

    @Inject
    javax.sql.DataSource db;

    /** 10,000 aurora-ax1 meters named {@code run} and a number, announced by registry events and in the view. */
    static List<String> tenThousandAuroraMeters(String run) throws Exception {
        List<String> ids = IntStream.range(0, 10_000).mapToObj(i -> run + String.format("%05d", i)).toList();
        publishRegistry(ids, "aurora-ax1");
        awaitView(ids.get(ids.size() - 1));
        return ids;
    }

    /**
     * Item "batched result writes": 10,000 read results, answered in messages of {@link MeterJobResultBatch#MAX_RESULTS}
     * (as association-service gathers them), one message of them twice. Each meter's block size is the test's own
     * model (64 × (1 + n % 8) bytes), so each row's blocks and each next job's chunk are checked against it.
     */
    @Test
    void tenThousandResultsLandCorrectlyInOneTransactionPerMessage() throws Exception {
        String run = "B" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> ids = tenThousandAuroraMeters(run);
        String image = upload("AUR-AX1-" + run, "aurora-ax1"); // 3,000 bytes
        Map<String, Object> body = Map.of("imageId", image, "meterIds", ids, "concurrency", 10_000, "batchSize", 10_000);
        String campaign = given().contentType(ContentType.JSON).header("Idempotency-Key", run + "key").body(body)
                .post("/campaigns").then().statusCode(201).extract().path("id");
        List<MeterJob> reads = jobsOf(campaign, 10_000, Duration.ofSeconds(180));
        assertThat(reads).hasSize(10_000).allSatisfy(j -> assertThat(j.command()).isInstanceOf(ReadFirmware.class));
        assertThat(reads.stream().map(MeterJob::meterId).distinct().count()).isEqualTo(10_000);

        double transactions = metrics.counter("hes.firmware.result.transactions").count();
        double applied = metrics.counter("hes.firmware.results.applied").count();
        Map<String, Integer> blockSize = new HashMap<>();
        List<MeterJobResult> results = new ArrayList<>();
        for (MeterJob read : reads) {
            int n = Integer.parseInt(read.meterId().substring(run.length()));
            blockSize.put(read.meterId(), 64 * (1 + n % 8));
            results.add(MeterJobResult.ok(read, "test", new FirmwareState("AUR-AX1-1.0", "AUR" + n,
                    blockSize.get(read.meterId()), 0, 0)));
        }
        int messages = 0;
        for (int from = 0; from < results.size(); from += MeterJobResultBatch.MAX_RESULTS) {
            answer(results.subList(from, Math.min(results.size(), from + MeterJobResultBatch.MAX_RESULTS)));
            messages++;
        }
        answer(results.subList(0, MeterJobResultBatch.MAX_RESULTS)); // one message delivered twice
        messages++;
        assertThat(messages).isEqualTo(51);

        List<MeterJob> chunks = jobsOf(campaign, 10_000, Duration.ofSeconds(180));
        assertThat(chunks).as("one first chunk per meter").hasSize(10_000);
        assertThat(jobsOf(campaign, 1, Duration.ofSeconds(2))).as("the duplicated message sent nothing").isEmpty();
        for (MeterJob j : chunks) {
            TransferImage t = (TransferImage) j.command();
            int bs = blockSize.get(j.meterId());
            assertThat(t.blockSize()).isEqualTo(bs);
            assertThat(t.firstBlock()).isZero();
            assertThat(java.util.Base64.getDecoder().decode(t.data()).length).isEqualTo(Math.min(3000, (65536 / bs) * bs));
        }
        try (java.sql.Connection c = db.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                "select meter_id, state, block_size, total_blocks, installed_before, next_block from firmware.campaign_meter "
                        + "where campaign_id = ?::uuid")) {
            ps.setString(1, campaign);
            int rows = 0;
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    int bs = blockSize.get(rs.getString(1));
                    assertThat(rs.getString(2)).isEqualTo("TRANSFERRING");
                    assertThat(rs.getInt(3)).isEqualTo(bs);
                    assertThat(rs.getLong(4)).isEqualTo((3000 + bs - 1) / bs);
                    assertThat(rs.getString(5)).isEqualTo("AUR-AX1-1.0");
                    assertThat(rs.getLong(6)).isZero();
                }
            }
            assertThat(rows).isEqualTo(10_000);
        }
        assertThat(TestDatabase.count("select count(*) from firmware.campaign_event where campaign_id = ?::uuid "
                + "and event = 'READ'", campaign)).as("each meter read once, the duplicates applied nowhere").isEqualTo(10_000);
        assertThat(metrics.counter("hes.firmware.results.applied").count() - applied).isEqualTo(10_000);
        assertThat(metrics.counter("hes.firmware.result.transactions").count() - transactions)
                .as("one transaction per result message, not per result").isEqualTo(messages);
        given().post("/campaigns/" + campaign + "/cancel").then().statusCode(200);
    }
    /**
     * A campaign's meters as a group of 10,000 listed ids ({@code group.meterIds}, validated apart from the top-level
     * {@code meterIds}): every one stored and asked for its firmware once, no other meter.
     */
    @Test
    void aGroupOfTenThousandListedMetersIsTheCampaignsMeters() throws Exception {
        String run = "L" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> ids = tenThousandAuroraMeters(run);
        String image = upload("AUR-AX1-" + run, "aurora-ax1");
        Map<String, Object> body = Map.of("imageId", image, "group", Map.of("meterIds", ids), "concurrency", 10_000,
                "batchSize", 10_000);
        String campaign = given().contentType(ContentType.JSON).header("Idempotency-Key", run + "key").body(body)
                .post("/campaigns").then().statusCode(201).extract().path("id");
        assertThat(TestDatabase.count("select count(*) from firmware.campaign_meter where campaign_id = ?::uuid",
                campaign)).isEqualTo(10_000);
        List<MeterJob> reads = jobsOf(campaign, 10_000, Duration.ofSeconds(180));
        assertThat(reads).allSatisfy(j -> assertThat(j.command()).isInstanceOf(ReadFirmware.class))
                .extracting(MeterJob::meterId).containsExactlyInAnyOrderElementsOf(ids);
        given().post("/campaigns/" + campaign + "/cancel").then().statusCode(200);
    }

    /**
     * Item "group filter": a 10,000-meter registry view, announced by registry events with tags (the test's own model
     * of the registry: meter n is of the image's model unless n % 3 == 0, carries feeder-(n % 10), and the run's pilot
     * tag when n % 7 == 0). A group by vendor and tags, and one by a tag alone, select exactly the meters the model
     * says; by tag alone, the meters of the other model are REFUSED FW-001 before any job.
     */
    @Test
    void aGroupByVendorAndTagsSelectsExactlyItsMetersOfATenThousandMeterRegistry() throws Exception {
        String run = "G" + UUID.randomUUID().toString().substring(0, 6) + "-";
        String model = "model-" + run.substring(0, 7);
        String other = "other-" + run.substring(0, 7);
        String pilot = "pilot-" + run.substring(0, 7);
        List<RegisteredMeter> registry = new ArrayList<>();
        for (int n = 0; n < 10_000; n++) {
            List<String> tags = new ArrayList<>(List.of("feeder-" + (n % 10)));
            if (n % 7 == 0) {
                tags.add(pilot);
            }
            registry.add(new RegisteredMeter(run + String.format("%05d", n), n % 3 == 0 ? other : model, Instant.now(), tags));
        }
        publish(registry);
        awaitView(run + "09999");
        String image = upload("AUR-" + run, model);

        Map<String, Object> byVendorAndTags = Map.of("vendor", model, "tags", List.of("feeder-4", pilot));
        String first = given().contentType(ContentType.JSON).header("Idempotency-Key", run + "vt")
                .body(Map.of("imageId", image, "group", byVendorAndTags, "concurrency", 1, "batchSize", 1))
                .post("/campaigns").then().statusCode(201).extract().path("id");
        List<String> expected = IntStream.range(0, 10_000).filter(n -> n % 3 != 0 && n % 10 == 4 && n % 7 == 0)
                .mapToObj(n -> run + String.format("%05d", n)).toList();
        assertThat(expected).hasSizeGreaterThan(50);
        assertThat(metersOf(first)).containsExactlyElementsOf(expected);

        String second = given().contentType(ContentType.JSON).header("Idempotency-Key", run + "t")
                .body(Map.of("imageId", image, "group", Map.of("tags", List.of(pilot)), "concurrency", 1, "batchSize", 1))
                .post("/campaigns").then().statusCode(201).extract().path("id");
        List<String> pilots = IntStream.range(0, 10_000).filter(n -> n % 7 == 0)
                .mapToObj(n -> run + String.format("%05d", n)).toList();
        assertThat(metersOf(second)).containsExactlyElementsOf(pilots);
        long otherModel = IntStream.range(0, 10_000).filter(n -> n % 7 == 0 && n % 3 == 0).count();
        assertThat(TestDatabase.count("select count(*) from firmware.campaign_meter where campaign_id = ?::uuid "
                + "and state = 'REFUSED' and failure_code = 'FW-001'", second)).isEqualTo(otherModel);

        // ids and a filter at once: refused
        given().contentType(ContentType.JSON).header("Idempotency-Key", run + "both")
                .body(Map.of("imageId", image, "group", Map.of("tags", List.of(pilot), "meterIds", List.of(run + "00000"))))
                .post("/campaigns").then().statusCode(400).body("type", equalTo("urn:amihes:problem:invalid-request"));
        for (String c : List.of(first, second)) {
            given().post("/campaigns/" + c + "/cancel").then().statusCode(200);
        }
    }

    List<String> metersOf(String campaign) throws Exception {
        List<String> out = new ArrayList<>();
        try (java.sql.Connection c = db.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                "select meter_id from firmware.campaign_meter where campaign_id = ?::uuid order by meter_id")) {
            ps.setString(1, campaign);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
