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
import io.quarkus.test.junit.QuarkusTest;
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
        connection = org.amihes.service.testing.TestRabbit.factory().newConnection("firmware-service-test");
        channel = connection.createChannel();
        channel.exchangeDeclare(JOBS, "x-consistent-hash", true);
        channel.exchangeDeclare(RESULTS, "topic", true);
        channel.exchangeDeclare(REGISTRY, "topic", true);
        jobQueue = channel.queueDeclare().getQueue();
        channel.queueBind(jobQueue, JOBS, "1"); // weight 1: every job lands here
    }

    static void publishRegistry(List<String> ids, String vendor) throws Exception {
        for (int from = 0; from < ids.size(); from += MeterRegistryChange.MAX_METERS) {
            List<RegisteredMeter> part = ids.subList(from, Math.min(ids.size(), from + MeterRegistryChange.MAX_METERS))
                    .stream().map(id -> new RegisteredMeter(id, vendor, Instant.now())).toList();
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
                .body(Map.of("imageId", image, "filter", Map.of("model", "corvus-c3"))).post("/campaigns").then()
                .statusCode(400).body("type", equalTo("urn:amihes:problem:invalid-request"));
        Map<String, Object> window = new HashMap<>(Map.of("start", "00:00", "end", "23:59"));
        given().contentType(ContentType.JSON).header("Idempotency-Key", run + "ok")
                .body(Map.of("imageId", image, "filter", Map.of("model", model), "window", window)).post("/campaigns")
                .then().statusCode(201).body("meters", equalTo(2)).body("windowStart", equalTo("00:00"));
    }
}
