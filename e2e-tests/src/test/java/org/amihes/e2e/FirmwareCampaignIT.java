package org.amihes.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobBatch;
import org.amihes.contracts.TransferImage;
import org.amihes.service.testing.TestDatabase;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.MeterSnapshot;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 end to end: the packaged firmware-service, association-service and security-service, the real PostgreSQL
 * and RabbitMQ, and simulated meters of two vendor profiles over their management associations (aurora-ax1:
 * HLS-GMAC over the wrapper, 512-byte blocks; corvus-c3: LLS over HDLC with a 256-byte PDU, 128-byte blocks).
 * Expected blocks, versions and flash writes come from the simulator's model: its bootloader counts every block it
 * writes and refuses the image it has installed.
 */
class FirmwareCampaignIT {

    static final Instant NOW = Instant.parse("2026-11-02T09:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();
    static final String AURORA_IMAGE = "AUR-AX1-2.5.0";
    static final String CORVUS_IMAGE = "CRV-C3-3.1.0";
    static SecuredStack stack;
    static ServiceProcess firmware;
    static Map<String, String> firmwareSettings;
    static String run;

    @BeforeAll
    static void startSystem() throws Exception {
        run = UUID.randomUUID().toString().substring(0, 8);
        Fleet fleet = Fleet.generate(10, List.of("aurora-ax1", "corvus-c3"), SecuredStack.SEED, "127.6.13.1",
                ServiceProcess.freePort()).withIdPrefix("FW-" + run + "-");
        stack = SecuredStack.start("firmware-" + run, fleet, NOW, Map.of());
        firmwareSettings = new HashMap<>(E2eStack.firmware());
        firmwareSettings.put("hes.firmware.chunk-bytes", "4096"); // several chunks per image: resume has somewhere to go
        firmwareSettings.put("hes.firmware.tick", "200ms");
        firmwareSettings.put("hes.firmware.replica-lease", "5s"); // the killed process's meters are taken over soon
        firmware = startFirmware("firmware-service-" + run);
        awaitView(fleet.meters().stream().map(MeterSpec::meterId).toList());
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (firmware != null) {
            firmware.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    static ServiceProcess startFirmware(String name) throws Exception {
        return ServiceProcess.start(ServiceProcess.projectRoot(), "firmware-service", firmwareSettings, name)
                .awaitReady(Duration.ofSeconds(90));
    }

    // ---- a campaign over two vendor profiles; the same image again; Idempotency-Key; SSE ----

    @Test
    void aCampaignUpgradesItsVendorsMetersRefusesTheOthersAndARepeatWritesNothing() throws Exception {
        List<MeterSpec> aurora = stack.meters("aurora-ax1").subList(0, 2);
        List<MeterSpec> corvus = stack.meters("corvus-c3").subList(0, 2);
        byte[] auroraBytes = image(20_000, 1);
        byte[] corvusBytes = image(20_000, 2);
        String auroraImage = upload(auroraBytes, AURORA_IMAGE, "AUR", "aurora-ax1");
        String corvusImage = upload(corvusBytes, CORVUS_IMAGE, "CRV", "corvus-c3");
        List<String> targets = List.of(aurora.get(0).meterId(), aurora.get(1).meterId(), corvus.get(0).meterId(),
                corvus.get(1).meterId());
        Map<String, Long> sessionsBefore = targets.stream().collect(Collectors.toMap(id -> id,
                id -> stack.simulator.meterState(id).sessions()));

        String key = "campaign-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("imageId", auroraImage, "meterIds", targets, "concurrency", 2, "batchSize", 1);
        String campaign = given().baseUri(firmware.url()).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(body).post("/campaigns").then().statusCode(201).extract().path("id");
        // the same key and request: the same campaign; the key with another request: 409
        given().baseUri(firmware.url()).contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/campaigns").then().statusCode(200).body("id", equalTo(campaign));
        given().baseUri(firmware.url()).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("imageId", auroraImage, "meterIds", targets.subList(0, 1))).post("/campaigns").then()
                .statusCode(409).body("type", equalTo("urn:amihes:problem:conflict"));

        Sse stream = sse(campaign);
        JsonPath done = awaitCampaign(campaign, Duration.ofSeconds(120));
        assertThat(done.getInt("byState.DONE")).as(done.prettify()).isEqualTo(2);
        assertThat(done.getInt("byState.REFUSED")).as(done.prettify()).isEqualTo(2);
        assertThat(done.getLong("wireBytes")).as("two images' bytes and their framing").isGreaterThan(2L * auroraBytes.length);
        // the stream reads the campaign every 200 ms on its own: its last event may come after GET said done
        stream.ended().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(stream.events()).as("server-sent progress").isNotEmpty();
        assertThat(stream.events().get(stream.events().size() - 1)).contains("\"done\":true");

        int auroraBlocks = blocks(auroraBytes.length, aurora.get(0));
        for (MeterSpec m : aurora) {
            MeterSnapshot s = stack.simulator.meterState(m.meterId());
            assertThat(s.firmwareVersion()).isEqualTo(AURORA_IMAGE);
            assertThat(s.flashWrites()).as("every block written once").isEqualTo(auroraBlocks);
            assertThat(s.imagesActivated()).isEqualTo(1);
            JsonPath meter = meter(campaign, m.meterId());
            assertThat(meter.getString("state")).isEqualTo("DONE");
            assertThat(meter.getLong("totalBlocks")).isEqualTo(auroraBlocks);
            assertThat(meter.getDouble("percent")).isEqualTo(100.0);
            assertThat(meter.getString("installedBefore")).isEqualTo(VendorProfile.load("aurora-ax1").firmwareVersion());
            assertThat(meter.getString("installedAfter")).isEqualTo(AURORA_IMAGE);
        }
        for (MeterSpec m : corvus) { // another device type: refused before any byte, the meter never contacted
            JsonPath meter = meter(campaign, m.meterId());
            assertThat(meter.getString("state")).isEqualTo("REFUSED");
            assertThat(meter.getString("failureCode")).isEqualTo("FW-001");
            assertThat(stack.simulator.meterState(m.meterId()).flashWrites()).isZero();
            assertThat(stack.simulator.meterState(m.meterId()).sessions()).isEqualTo(sessionsBefore.get(m.meterId()));
        }
        List<String> events = given().baseUri(firmware.url()).queryParam("meterId", aurora.get(0).meterId())
                .get("/campaigns/" + campaign + "/events").then().statusCode(200).extract().jsonPath().getList("event");
        assertThat(events).startsWith("READ").contains("CHUNK", "TRANSFERRED", "VERIFIED", "ACTIVATED").endsWith("CONFIRMED");

        // the corvus image over HDLC with a 256-byte PDU (filters by model: CampaignFlowTest; here the shared test
        // database's registry view also holds other runs' corvus meters)
        Map<String, Long> writesBefore = stack.meters("corvus-c3").stream().collect(Collectors.toMap(MeterSpec::meterId,
                x -> stack.simulator.meterState(x.meterId()).flashWrites()));
        String second = given().baseUri(firmware.url()).contentType(ContentType.JSON)
                .header("Idempotency-Key", "campaign-" + UUID.randomUUID())
                .body(Map.of("imageId", corvusImage, "meterIds", stack.meters("corvus-c3").stream().map(MeterSpec::meterId)
                        .toList())).post("/campaigns").then()
                .statusCode(201).extract().path("id");
        JsonPath corvusDone = awaitCampaign(second, Duration.ofSeconds(180));
        assertThat(corvusDone.getInt("meters")).isEqualTo(stack.meters("corvus-c3").size());
        assertThat(corvusDone.getInt("byState.DONE")).as(corvusDone.prettify()).isEqualTo(stack.meters("corvus-c3").size());
        int corvusBlocks = blocks(corvusBytes.length, corvus.get(0));
        for (MeterSpec m : stack.meters("corvus-c3")) {
            assertThat(stack.simulator.meterState(m.meterId()).firmwareVersion()).isEqualTo(CORVUS_IMAGE);
            assertThat(stack.simulator.meterState(m.meterId()).flashWrites() - writesBefore.get(m.meterId()))
                    .isEqualTo(corvusBlocks);
        }

        // the same image to the same meters again: skipped after reading the version, no flash write
        String again = given().baseUri(firmware.url()).contentType(ContentType.JSON)
                .header("Idempotency-Key", "campaign-" + UUID.randomUUID())
                .body(Map.of("imageId", auroraImage, "meterIds", targets.subList(0, 2))).post("/campaigns").then()
                .statusCode(201).extract().path("id");
        JsonPath skipped = awaitCampaign(again, Duration.ofSeconds(60));
        assertThat(skipped.getInt("byState.SKIPPED")).as(skipped.prettify()).isEqualTo(2);
        for (MeterSpec m : aurora) {
            assertThat(stack.simulator.meterState(m.meterId()).flashWrites()).isEqualTo(auroraBlocks);
            assertThat(stack.simulator.meterState(m.meterId()).imagesActivated()).isEqualTo(1);
        }
    }

    // ---- the field manual's one-shot, twice ----

    @Test
    void theOneShotPushInstallsAndItsRepeatIsRefusedByTheBootloaderWithoutAFlashWrite() throws Exception {
        MeterSpec m = stack.meters("aurora-ax1").get(2);
        byte[] bytes = image(9_000, 3);
        String version = "AUR-AX1-2.6.0";
        JsonPath first = push(m, bytes, version).statusCode(200).extract().jsonPath();
        assertThat(first.getString("meter.state")).as(first.prettify()).isEqualTo("DONE");
        int blocks = blocks(bytes.length, m);
        assertThat(stack.simulator.meterState(m.meterId()).firmwareVersion()).isEqualTo(version);
        assertThat(stack.simulator.meterState(m.meterId()).flashWrites()).isEqualTo(blocks);

        push(m, bytes, version).statusCode(409).body("type", equalTo("urn:amihes:problem:conflict"))
                .body("detail", containsString("FW-003")).body("detail", containsString("bootloader refused"));
        assertThat(stack.simulator.meterState(m.meterId()).flashWrites()).as("no flash write").isEqualTo(blocks);
        assertThat(stack.simulator.meterState(m.meterId()).imagesActivated()).isEqualTo(1);
    }

    // ---- a job message delivered twice ----

    @Test
    void aJobMessageDeliveredTwiceTransfersOnce() throws Exception {
        MeterSpec m = stack.meters("corvus-c3").get(2);
        byte[] chunk = image(128 * 8, 4);
        MeterJob job = new MeterJob("dup-" + UUID.randomUUID(), "dup", m.meterId(), null,
                new TransferImage("CRV-C3-9.9.9", 128 * 40, 128, 0, Base64.getEncoder().encodeToString(chunk)));
        long before = stack.simulator.meterState(m.meterId()).flashWrites();
        try (com.rabbitmq.client.Connection c = org.amihes.service.testing.TestRabbit.factory().newConnection()) {
            com.rabbitmq.client.Channel ch = c.createChannel();
            byte[] message = JSON.writeValueAsBytes(new MeterJobBatch(List.of(job)));
            for (int i = 0; i < 2; i++) {
                ch.basicPublish("meter-jobs.by-meter-e2e", MeterJobBatch.routingKey(m.meterId()), null, message);
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (stack.simulator.meterState(m.meterId()).flashWrites() < before + 8 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(3_000); // time for the second delivery to run, if it were to
        assertThat(stack.simulator.meterState(m.meterId()).flashWrites()).isEqualTo(before + 8);
    }

    // ---- a connection dropped mid-transfer, firmware-service killed and restarted ----

    @Test
    void aTransferCutByDropsAndAKilledServiceResumesFromTheMetersFirstMissingBlock() throws Exception {
        MeterSpec m = stack.meters("aurora-ax1").get(3);
        byte[] bytes = image(96 * 1024, 5);
        String version = "AUR-AX1-2.7.0";
        String imageId = upload(bytes, version, "AUR", "aurora-ax1");
        int blocks = blocks(bytes.length, m); // 192 blocks of 512 bytes, chunks of 8 blocks
        long before = stack.simulator.meterState(m.meterId()).flashWrites();
        // the connection drops right after block 13 (inside the second chunk) and after block 101
        stack.simulator.dropConnectionAtFlashWrites(m.meterId(), before + 13, before + 101);
        String campaign = given().baseUri(firmware.url()).contentType(ContentType.JSON)
                .header("Idempotency-Key", "campaign-" + UUID.randomUUID())
                .body(Map.of("imageId", imageId, "meterIds", List.of(m.meterId()))).post("/campaigns").then()
                .statusCode(201).extract().path("id");
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (stack.simulator.meterState(m.meterId()).flashWrites() < before + 60 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        firmware.kill();
        long writesAtKill = stack.simulator.meterState(m.meterId()).flashWrites() - before;
        assertThat(writesAtKill).as("killed mid-transfer").isBetween(60L, (long) blocks - 1);
        Thread.sleep(2_000);
        firmware = startFirmware("firmware-service-" + run + "-restarted");
        JsonPath done = awaitCampaign(campaign, Duration.ofSeconds(180));
        JsonPath meter = meter(campaign, m.meterId());
        assertThat(meter.getString("state")).as(done.prettify() + meter.prettify()).isEqualTo("DONE");
        MeterSnapshot s = stack.simulator.meterState(m.meterId());
        assertThat(s.firmwareVersion()).isEqualTo(version);
        // resumed from the meter's own record each time: the blocks whose answers were cut were written and are not
        // sent again, nor is any block before them (a transfer restarted from block 0 would write 13 or 101 again)
        assertThat(s.flashWrites() - before).as("flash writes for %d blocks", blocks).isEqualTo(blocks);
        List<String> events = given().baseUri(firmware.url()).queryParam("meterId", m.meterId())
                .get("/campaigns/" + campaign + "/events").then().statusCode(200).extract().jsonPath().getList("event");
        assertThat(events).endsWith("TRANSFERRED", "VERIFIED", "ACTIVATED", "CONFIRMED");
    }

    // ---- helpers ----

    static String upload(byte[] bytes, String version, String vendor, String model) {
        return given().baseUri(firmware.url()).contentType("application/octet-stream").queryParam("identifier", version)
                .queryParam("version", version).queryParam("vendor", vendor).queryParam("model", model).body(bytes)
                .post("/images").then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(201)))
                .extract().path("id");
    }

    static io.restassured.response.ValidatableResponse push(MeterSpec m, byte[] bytes, String version) {
        return given().baseUri(firmware.url()).contentType("application/octet-stream").queryParam("identifier", version)
                .queryParam("version", version).queryParam("vendor", "AUR").queryParam("model", "aurora-ax1")
                .queryParam("wait", 120).body(bytes).post("/meters/" + m.meterId() + "/firmware").then();
    }

    /** Blocks of an image on this meter, from the simulator's model of its image transfer object. */
    static int blocks(int size, MeterSpec m) {
        int blockSize = VendorProfile.load(m.profile()).imageBlockSize();
        return (size + blockSize - 1) / blockSize;
    }

    static byte[] image(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static JsonPath meter(String campaign, String meterId) {
        return given().baseUri(firmware.url()).get("/campaigns/" + campaign + "/meters/" + meterId).then().statusCode(200)
                .extract().jsonPath();
    }

    static JsonPath awaitCampaign(String id, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        JsonPath p = null;
        while (System.nanoTime() < deadline) {
            p = given().baseUri(firmware.url()).get("/campaigns/" + id).then().statusCode(200).extract().jsonPath();
            if (p.getBoolean("done")) {
                return p;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("campaign not done within " + within + ": " + (p == null ? "" : p.prettify()));
    }

    /** A campaign's server-sent events as they arrive, and when the stream ended. */
    record Sse(List<String> events, java.util.concurrent.CompletableFuture<Void> ended) {
    }

    /** Reads the campaign's server-sent events in the background; the list fills as they arrive. */
    static Sse sse(String campaign) {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<Void> ended = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create(firmware.url() + "/campaigns/" + campaign
                        + "/progress?everyMs=200")).header("Accept", "text/event-stream")
                        .header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.admin()).build(),
                HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().filter(l -> l.startsWith("data:"))
                .forEach(l -> events.add(l.substring(5))));
        return new Sse(events, ended);
    }

    /** Waits until firmware-service's view of the registry (fed by registry events) has every meter. */
    static void awaitView(List<String> ids) throws Exception {
        try (Connection c = TestDatabase.connection()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM firmware.meter WHERE meter_id = ANY(?)")) {
                    ps.setArray(1, c.createArrayOf("text", ids.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getInt(1) == ids.size()) {
                            return;
                        }
                    }
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError("firmware-service's registry view never got the fleet");
    }
}
