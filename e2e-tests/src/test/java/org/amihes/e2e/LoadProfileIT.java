package org.amihes.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
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
import org.amihes.simulator.Faults;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, load profiles and gaps, end to end: a simulated fleet of every vendor profile (the 30-minute profile at
 * 1.0.99.2.0.255 included), association-service and polling-service as packaged processes, the real RabbitMQ and
 * PostgreSQL. A day read in three requests stores each meter's intervals with the values {@link MeterModel} gives;
 * a meter knocked out (every answer dropped) during the request for 12:00-13:00 leaves a gap that GET /gaps reports
 * and backfill reads again, exactly that hour; reading the day again stores nothing new; the day's read rate is 1.
 */
class LoadProfileIT {

    /**
     * The simulator's clock, on a day of its own per run (the read rate of a day counts every meter read that day, and
     * the test database outlives runs), within the intervals' retention.
     */
    static final Instant NOW = Instant.parse("2026-01-02T06:30:00Z")
            .plus(Duration.ofDays(java.util.concurrent.ThreadLocalRandom.current().nextInt(300)));
    static final Instant DAY = NOW.truncatedTo(java.time.temporal.ChronoUnit.DAYS).minus(Duration.ofDays(1));
    static final Instant END = DAY.plus(Duration.ofDays(1));
    static Vertx vertx;
    static FleetSimulator simulator;
    static ServiceProcess association;
    static ServiceProcess polling;

    @BeforeAll
    static void startSystem() throws Exception {
        E2eStack.purgeQueues();
        Path root = ServiceProcess.projectRoot();
        String run = UUID.randomUUID().toString().substring(0, 8);
        Fleet fleet = Fleet.generate(8, VendorProfile.BUILT_IN, 12, "127.12.0.1", ServiceProcess.freePort())
                .withIdPrefix("LP-" + run + "-");
        vertx = Vertx.vertx();
        simulator = FleetSimulator.start(vertx, fleet, Clock.fixed(NOW, ZoneOffset.UTC), "0.0.0.0")
                .toCompletionStage().toCompletableFuture().get();
        Path registry = Path.of("target", "load-profile-registry.json");
        Files.createDirectories(registry.getParent());
        fleet.writeRegistry(registry);

        Map<String, String> assoc = new HashMap<>(E2eStack.association());
        assoc.put("hes.registry.file", registry.toAbsolutePath().toString());
        assoc.put("hes.audit.file", Path.of("target", "e2e-logs", "load-profile-audit.log").toAbsolutePath().toString());
        assoc.put("hes.sessions.response-timeout", "5s"); // a loaded 2-core machine
        assoc.put("hes.sessions.retry-backoff", "200ms");
        // polling-service first: its registry-view queue exists before association-service announces the fleet
        Map<String, String> poll = new HashMap<>(E2eStack.polling());
        poll.put("hes.profiles.backfill.every", "1s");
        poll.put("hes.profiles.backfill.retry-after", "2s");
        polling = ServiceProcess.start(root, "polling-service", poll);
        polling.awaitReady(Duration.ofSeconds(90));
        association = ServiceProcess.start(root, "association-service", assoc);
        association.awaitReady(Duration.ofSeconds(90));
        awaitView(fleet.meters().get(fleet.meters().size() - 1).meterId());
    }

    /** Until polling-service's registry view knows the meter (from association-service's registry events). */
    static void awaitView(String meterId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (given().baseUri(polling.url()).get("/meters/" + meterId + "/readings").statusCode() == 404
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (polling != null) {
            polling.close();
        }
        if (association != null) {
            association.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (vertx != null) {
            vertx.close();
        }
    }

    static List<String> ids() {
        return simulator.fleet().meters().stream().map(MeterSpec::meterId).toList();
    }

    static JsonPath read(List<String> meters, Instant from, Instant to) throws InterruptedException {
        String batch = given().baseUri(polling.url()).contentType(ContentType.JSON)
                .body(Map.of("meterIds", meters, "from", from.toString(), "to", to.toString()))
                .post("/profiles/reads").then().statusCode(202).extract().path("batchId");
        return ReadBatches.awaitDone(polling.url(), batch, Duration.ofSeconds(120));
    }

    /** The capture times of [from, to) at the vendor's capture period, from the simulator's profile description. */
    static List<Instant> captures(VendorProfile profile, Instant from, Instant to) {
        List<Instant> out = new ArrayList<>();
        for (Instant t = from; t.isBefore(to); t = t.plusSeconds(profile.loadProfileCaptureSeconds())) {
            out.add(t);
        }
        return out;
    }

    static long stored(String meterId) throws Exception {
        try (Connection c = TestDatabase.connection();
             var st = c.prepareStatement("SELECT count(*) FROM polling.profile_interval WHERE meter_id = ?")) {
            st.setString(1, meterId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aDayIsStoredAsTheMetersHoldItAGapIsBackfilledAndARepeatStoresNothing() throws Exception {
        List<String> meters = ids();
        MeterSpec victim = simulator.fleet().meters().get(0);
        Instant noon = DAY.plus(Duration.ofHours(12));
        Instant one = DAY.plus(Duration.ofHours(13));

        assertThat(read(meters, DAY, noon).getInt("ok")).isEqualTo(meters.size());
        // the meter is knocked out for the hour's read: it drops every answer
        simulator.setFaults(victim.meterId(), Faults.NONE.withDrop(1.0));
        JsonPath hour = read(meters, noon, one);
        assertThat(hour.getInt("failed")).isEqualTo(1);
        // a meter that closes every connection after the AARQ: DLMS-402 (SECURITY class, never retried by itself)
        assertThat(hour.getMap("failuresByClass")).hasSize(1);
        VendorProfile victimProfile = VendorProfile.load(victim.profile());
        int perHour = 3600 / victimProfile.loadProfileCaptureSeconds();
        JsonPath gaps = given().baseUri(polling.url()).queryParam("meter", victim.meterId())
                .queryParam("from", DAY.toString()).queryParam("to", one.toString()).get("/gaps")
                .then().statusCode(200).extract().jsonPath();
        assertThat(gaps.getList("gaps")).hasSize(1);
        assertThat(gaps.getString("gaps[0].from")).isEqualTo(noon.toString());
        assertThat(gaps.getString("gaps[0].to")).isEqualTo(one.toString());
        assertThat(gaps.getInt("gaps[0].missing")).isEqualTo(perHour);
        simulator.setFaults(victim.meterId(), Faults.NONE);

        assertThat(read(meters, one, END).getInt("ok")).isEqualTo(meters.size());
        // backfill, automatic: the gap is read again until it is filled
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonPath after;
        do {
            Thread.sleep(500);
            after = given().baseUri(polling.url()).queryParam("meter", victim.meterId())
                    .queryParam("from", DAY.toString()).queryParam("to", END.toString()).get("/gaps")
                    .then().statusCode(200).extract().jsonPath();
        } while (!after.getList("gaps").isEmpty() && System.nanoTime() < deadline);
        assertThat(after.getList("gaps")).as(after.prettify()).isEmpty();
        assertThat(after.getInt("backfills[0].attempts")).isBetween(1, 3);
        try (Connection c = TestDatabase.connection();
             var st = c.prepareStatement("SELECT range_from, range_to FROM polling.profile_job WHERE meter_id = ? AND backfill")) {
            st.setString(1, victim.meterId());
            try (ResultSet rs = st.executeQuery()) {
                int n = 0;
                while (rs.next()) {
                    n++;
                    assertThat(rs.getTimestamp(1).toInstant()).isEqualTo(noon);
                    assertThat(rs.getTimestamp(2).toInstant()).isEqualTo(one);
                }
                assertThat(n).as("backfill jobs of the victim, each exactly the missing hour").isBetween(1, 3);
            }
        }

        Map<String, Long> before = new HashMap<>();
        for (MeterSpec m : simulator.fleet().meters()) {
            VendorProfile p = VendorProfile.load(m.profile());
            List<Instant> expected = captures(p, DAY, END);
            JsonPath intervals = given().baseUri(polling.url()).queryParam("from", DAY.toString())
                    .queryParam("to", END.toString()).get("/meters/" + m.meterId() + "/intervals")
                    .then().statusCode(200).extract().jsonPath()
                    .using(new io.restassured.path.json.config.JsonPathConfig(
                            io.restassured.path.json.config.JsonPathConfig.NumberReturnType.BIG_DECIMAL));
            assertThat(intervals.getList("$")).as(m.meterId() + " " + p.name()).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                String at = "[" + i + "].";
                assertThat(Instant.parse(intervals.getString(at + "capturedAt"))).isEqualTo(expected.get(i));
                assertThat(intervals.getString(at + "profile")).isEqualTo(p.loadProfileObis());
                assertThat(intervals.getString(at + "channel")).isEqualTo(p.energyObis());
                assertThat(new BigDecimal(intervals.getString(at + "value"))).as(m.meterId() + " " + expected.get(i))
                        .isEqualByComparingTo(MeterModel.energyValue(m, p, expected.get(i)));
                assertThat(new BigDecimal(intervals.getString(at + "raw")))
                        .isEqualByComparingTo(new BigDecimal(MeterModel.energyRaw(m, p, expected.get(i))));
                assertThat(intervals.getInt(at + "scaler")).isEqualTo(p.energyScaler());
                assertThat(intervals.getString(at + "unit")).isEqualTo("Wh");
            }
            before.put(m.meterId(), stored(m.meterId()));
            assertThat(before.get(m.meterId())).isEqualTo(expected.size());
        }

        JsonPath rate = given().baseUri(polling.url()).queryParam("day", DAY.toString().substring(0, 10)).get("/kpi/read-rate")
                .then().statusCode(200).extract().jsonPath();
        for (String vendor : VendorProfile.BUILT_IN) {
            Map<String, Object> row = rate.getMap("vendors.find { it.vendor == '" + vendor + "' }");
            assertThat(row).as(vendor + " in " + rate.prettify()).isNotNull();
            assertThat(((Number) row.get("rate")).doubleValue()).as(vendor).isEqualTo(1.0);
        }

        // the same day again: every interval comes back, none is stored twice
        assertThat(read(meters, DAY, END).getInt("ok")).isEqualTo(meters.size());
        for (String id : meters) {
            assertThat(stored(id)).as(id).isEqualTo(before.get(id));
        }
    }
}
