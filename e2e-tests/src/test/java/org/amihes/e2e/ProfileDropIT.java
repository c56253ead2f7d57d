package org.amihes.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.service.testing.TestDatabase;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a meter's connection dropped in the middle of a long operation. A day of load profile comes as a GET
 * response in data blocks; the simulator closes the connection instead of sending block {@value #BLOCK}
 * ({@link FleetSimulator#dropConnectionAtDataBlock}). Once: the failure is classified NETWORK (DLMS-103), the job is
 * tried again, and the day is stored once, every interval the model's. Every time: the attempts stop at
 * {@code hes.sessions.attempts}, the job fails NETWORK and not one interval of the interrupted read is stored; with the
 * fault gone a new read stores the day once. (The firmware case: {@code FirmwareCampaignIT}, drops at blocks 13 and
 * 101, exactly one flash write per block.)
 */
class ProfileDropIT {

    static final int BLOCK = 3;
    static final int ATTEMPTS = 3;
    /** A day of its own per run, within the intervals' retention (as LoadProfileIT). */
    static final Instant NOW = Instant.parse("2026-01-02T06:30:00Z")
            .plus(Duration.ofDays(java.util.concurrent.ThreadLocalRandom.current().nextInt(300)));
    static final Instant DAY = NOW.truncatedTo(java.time.temporal.ChronoUnit.DAYS).minus(Duration.ofDays(1));
    static final Instant END = DAY.plus(Duration.ofDays(1));

    @Test
    void aProfileReadCutAtABlockIsRetriedWithinBoundsAndStoredWhollyOnceOrNotAtAll() throws Exception {
        E2eStack.purgeQueues();
        Path root = ServiceProcess.projectRoot();
        Fleet fleet = Fleet.generate(4, VendorProfile.BUILT_IN, 16, "127.16.0.1", ServiceProcess.freePort())
                .withIdPrefix("DROP-" + UUID.randomUUID().toString().substring(0, 8) + "-");
        Vertx vertx = Vertx.vertx();
        FleetSimulator simulator = FleetSimulator.start(vertx, fleet, Clock.fixed(NOW, ZoneOffset.UTC), "0.0.0.0")
                .toCompletionStage().toCompletableFuture().get();
        Path registry = Path.of("target", "profile-drop-registry.json").toAbsolutePath();
        Files.createDirectories(registry.getParent());
        fleet.writeRegistry(registry);
        Path audit = Path.of("target", "e2e-logs", "profile-drop-audit.log").toAbsolutePath();
        Files.createDirectories(audit.getParent());
        Files.deleteIfExists(audit);
        ServiceProcess polling = null;
        ServiceProcess association = null;
        try {
            polling = ServiceProcess.start(root, "polling-service", E2eStack.polling(), "polling-service-profile-drop")
                    .awaitReady(Duration.ofSeconds(360));
            Map<String, String> assoc = new HashMap<>(E2eStack.association());
            assoc.put("hes.registry.file", registry.toString());
            assoc.put("hes.audit.file", audit.toString());
            assoc.put("hes.sessions.response-timeout", "5s");
            assoc.put("hes.sessions.attempts", String.valueOf(ATTEMPTS));
            assoc.put("hes.sessions.retry-backoff", "200ms");
            association = ServiceProcess.start(root, "association-service", assoc, "association-service-profile-drop")
                    .awaitReady(Duration.ofSeconds(360));
            ReadBatches.awaitView(polling.url(), fleet.meters().get(fleet.meters().size() - 1).meterId());

            MeterSpec once = byProfile(fleet, "corvus-c3");      // HDLC, 256-byte PDUs: the day takes many blocks
            MeterSpec always = byProfile(fleet, "borealis-b7");  // wrapper, 512-byte PDUs
            simulator.dropConnectionAtDataBlock(once.meterId(), BLOCK, 1);
            simulator.dropConnectionAtDataBlock(always.meterId(), BLOCK, Integer.MAX_VALUE);
            List<String> ids = fleet.meters().stream().map(MeterSpec::meterId).toList();
            JsonPath first = read(polling, ids);

            assertThat(first.getInt("ok")).as(first.prettify()).isEqualTo(ids.size() - 1);
            assertThat(first.getInt("failed")).isEqualTo(1);
            assertThat(first.getMap("failuresByClass")).isEqualTo(Map.of("NETWORK", 1));
            assertThat(simulator.dataBlockDrops(once.meterId())).as("the cut happened, once").isEqualTo(1);
            assertThat(simulator.dataBlockDrops(always.meterId())).as("attempts within bounds").isEqualTo(ATTEMPTS);
            assertThat(simulator.meterState(once.meterId()).sessions()).isEqualTo(2);
            assertThat(simulator.meterState(always.meterId()).sessions()).isEqualTo(ATTEMPTS);

            List<JsonNode> entries = auditEntries(audit);
            List<JsonNode> onceAttempts = entries.stream().filter(e -> e.path("meterId").asText().equals(once.meterId())
                    && e.path("operation").asText().equals("READ_PROFILE_ATTEMPT")).toList();
            assertThat(onceAttempts).as("the cut session, audited").hasSize(1);
            assertThat(onceAttempts.get(0).path("class").asText()).isEqualTo("NETWORK");
            assertThat(onceAttempts.get(0).path("code").asText()).isEqualTo("DLMS-103");
            List<JsonNode> alwaysFails = entries.stream().filter(e -> e.path("meterId").asText().equals(always.meterId())
                    && e.path("outcome").asText().equals("FAIL")).toList();
            assertThat(alwaysFails).as("%d attempts audited, the last as the job's failure", ATTEMPTS).hasSize(ATTEMPTS);
            assertThat(alwaysFails).allSatisfy(e -> {
                assertThat(e.path("class").asText()).isEqualTo("NETWORK");
                assertThat(e.path("code").asText()).isEqualTo("DLMS-103");
            });

            // wholly once, or not at all
            for (MeterSpec m : fleet.meters()) {
                if (m != always) {
                    assertDayStoredOnce(m);
                }
            }
            assertThat(stored(always.meterId())).as("intervals of the interrupted read that failed").isEmpty();

            simulator.dropConnectionAtDataBlock(always.meterId(), BLOCK, 0);
            JsonPath again = read(polling, List.of(always.meterId()));
            assertThat(again.getInt("ok")).as(again.prettify()).isEqualTo(1);
            assertDayStoredOnce(always);
            assertDayStoredOnce(once); // and nothing added to the one read before
            System.out.printf("ProfileDropIT: dropped at data block %d: %s once (%d intervals stored once after the "
                            + "retry), %s every time (%d attempts, 0 stored, then %d once the fault was gone)%n", BLOCK,
                    once.profile(), stored(once.meterId()).size(), always.profile(), ATTEMPTS, stored(always.meterId()).size());
        } finally {
            if (association != null) {
                association.close();
            }
            if (polling != null) {
                polling.close();
            }
            simulator.close();
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static MeterSpec byProfile(Fleet fleet, String profile) {
        return fleet.meters().stream().filter(m -> m.profile().equals(profile)).findFirst().orElseThrow();
    }

    private static JsonPath read(ServiceProcess polling, List<String> meters) throws InterruptedException {
        String batch = given().baseUri(polling.url()).contentType(ContentType.JSON)
                .body(Map.of("meterIds", meters, "from", DAY.toString(), "to", END.toString()))
                .post("/profiles/reads").then().statusCode(202).extract().path("batchId");
        return ReadBatches.awaitDone(polling.url(), batch, Duration.ofSeconds(180));
    }

    /** Every capture of the day stored exactly once, with the value the meter model gives. */
    private static void assertDayStoredOnce(MeterSpec m) throws Exception {
        VendorProfile p = VendorProfile.load(m.profile());
        List<Instant> expected = new ArrayList<>();
        for (Instant t = DAY; t.isBefore(END); t = t.plusSeconds(p.loadProfileCaptureSeconds())) {
            expected.add(t);
        }
        Map<Instant, BigInteger> stored = stored(m.meterId());
        assertThat(stored.keySet()).as(m.meterId() + " " + p.name()).containsExactlyInAnyOrderElementsOf(expected);
        for (Instant t : expected) {
            assertThat(stored.get(t)).as(m.meterId() + " at " + t).isEqualTo(MeterModel.energyRaw(m, p, t));
        }
    }

    /** capture time → raw value of the meter's stored intervals; fails on a capture stored twice. */
    private static Map<Instant, BigInteger> stored(String meterId) throws Exception {
        Map<Instant, BigInteger> out = new HashMap<>();
        try (Connection c = TestDatabase.connection();
             var st = c.prepareStatement("SELECT captured_at, raw FROM polling.profile_interval WHERE meter_id = ?")) {
            st.setString(1, meterId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Instant at = rs.getTimestamp(1).toInstant();
                    assertThat(out.put(at, rs.getBigDecimal(2).toBigIntegerExact())).as("%s at %s twice", meterId, at).isNull();
                }
            }
        }
        return out;
    }

    private static List<JsonNode> auditEntries(Path audit) throws Exception {
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<JsonNode> out = new ArrayList<>();
        while (System.nanoTime() < deadline) { // the audit writer is asynchronous
            out.clear();
            if (Files.exists(audit)) {
                for (String line : Files.readAllLines(audit)) {
                    out.add(json.readTree(line));
                }
            }
            if (out.stream().filter(e -> e.path("outcome").asText().equals("FAIL")).count() >= ATTEMPTS + 1) {
                break;
            }
            Thread.sleep(200);
        }
        return out;
    }
}
