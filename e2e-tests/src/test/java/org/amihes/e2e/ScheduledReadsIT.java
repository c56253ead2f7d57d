package org.amihes.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amihes.service.testing.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, scheduling and MDMS publication through the packaged services: a simulated fleet, association-service and
 * TWO polling-service replicas on one database. One interval schedule fires once per period whichever replica's ticker
 * sees it first (batches counted in PostgreSQL, sessions counted by the simulator: every meter read once per fire);
 * with both replicas stopped over several periods the schedule survives and fires once, not once per missed period;
 * every stored reading reaches the MDMS queue under its dedup key, also across a polling-service killed with -9.
 */
class ScheduledReadsIT {

    static final int METERS = 12;
    static final int PERIOD_S = 4;

    @Test
    void aScheduleFiresOncePerPeriodAcrossTwoReplicasAndSurvivesTheirRestart() throws Exception {
        Path root = ServiceProcess.projectRoot();
        E2eStack.purgeQueues();
        String mdmsQueue = "mdms.readings.e2e";
        try (SimulatedFleet fleet = SimulatedFleet.start("scheduled", METERS, "127.12.0.1", 5, 1);
             com.rabbitmq.client.Connection mq = org.amihes.service.testing.TestRabbit.factory().newConnection()) {
            // the MDMS queue is polling-service's to declare (with its bound): emptied here when an earlier run left it
            try (Channel old = mq.createChannel()) {
                old.queuePurge(mdmsQueue);
            } catch (java.io.IOException | com.rabbitmq.client.AlreadyClosedException notDeclaredYet) {
                // the first run on this broker: polling-service declares it at start
            }
            Channel ch = mq.createChannel();
            Map<String, String> assoc = new HashMap<>(E2eStack.association());
            assoc.put("hes.registry.file", fleet.registry().toString());
            assoc.put("hes.audit.file", Path.of("target", "e2e-logs", "scheduled-audit.log").toAbsolutePath().toString());
            List<ServiceProcess> started = new ArrayList<>();
            try {
                // polling first: its view's queue is bound before association-service announces the imported fleet
                ServiceProcess a = start(root, "a", started);
                ServiceProcess b = start(root, "b", started);
                started.add(ServiceProcess.start(root, "association-service", assoc, "association-service-scheduled")
                        .awaitReady(Duration.ofSeconds(120)));
                List<String> ids = fleet.ids();
                awaitView(a, ids);
                awaitView(b, ids);

                String id = given().baseUri(a.url()).contentType(ContentType.JSON).body(Map.of("name", "e2e-every-" + PERIOD_S,
                                "group", Map.of("meterIds", ids), "everySeconds", PERIOD_S,
                                "job", Map.of("kind", "read-registers", "parameters", Map.of("registers", List.of("1.0.1.8.0.255")))))
                        .post("/schedules").then().statusCode(201).extract().path("id");
                Instant created = Instant.now();
                // the other replica sees the same schedule
                given().baseUri(b.url()).get("/schedules/" + id).then().statusCode(200);
                Thread.sleep(PERIOD_S * 4_000L + 1_000);

                List<Fire> fires = fires(id);
                Instant end = Instant.now();
                Set<Instant> due = new HashSet<>();
                fires.forEach(f -> assertThat(due.add(f.due())).as("one fire per due time: " + fires).isTrue());
                long periods = Duration.between(created, end).toSeconds() / PERIOD_S;
                assertThat((long) fires.size()).as("fires, one per period: " + fires).isBetween(periods - 1, periods + 1);
                for (int i = 1; i < fires.size(); i++) {
                    assertThat(Duration.between(fires.get(i - 1).due(), fires.get(i).due())).isEqualTo(Duration.ofSeconds(PERIOD_S));
                }
                // a fire while the previous batch still runs is skipped (a cold start can take longer than a period)
                List<Fire> fired = fires.stream().filter(f -> f.outcome().equals("FIRED")).toList();
                assertThat(fired).hasSizeGreaterThanOrEqualTo(fires.size() - 1);
                for (Fire f : fired) {
                    JsonPath done = ReadBatches.awaitDone(a.url(), f.batch(), Duration.ofSeconds(60));
                    assertThat(done.getInt("ok")).as(done.prettify()).isEqualTo(METERS);
                }
                // one batch per FIRED fire and none else (fires go on meanwhile: the batches are read first)
                List<String> keys = batchKeys(id);
                Set<String> firedKeys = new HashSet<>();
                fires(id).stream().filter(f -> f.outcome().equals("FIRED"))
                        .forEach(f -> firedKeys.add("schedule:" + id + ":" + f.due().toEpochMilli()));
                assertThat(keys).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(fired.size());
                assertThat(firedKeys).containsAll(keys);
                System.out.printf("ScheduledReadsIT: %d fires by replicas %s%n", fires.size(),
                        fires.stream().map(Fire::replica).distinct().toList());

                // both replicas go away for more than two periods (one killed, one stopped); the schedule is kept
                a.kill();
                b.close();
                started.remove(a);
                started.remove(b);
                int before = fires(id).size();
                Thread.sleep(PERIOD_S * 3_000L);
                Instant restart = Instant.now();
                ServiceProcess c = start(root, "c", started);
                Thread.sleep(1_500); // a few ticks: what was missed fires now, once
                // one look at the fires: asked twice, a fire recorded between the two made the range end past the
                // first answer's end (IndexOutOfBoundsException in a clean-clone CI run)
                List<Fire> since = fires(id);
                List<Fire> missed = since.subList(before, since.size()).stream()
                        .filter(f -> f.due().isBefore(restart)).toList();
                assertThat(missed).as("the periods missed while no replica ran fire once").hasSize(1);
                Fire catchUp = missed.get(0);
                assertThat(catchUp.outcome()).isEqualTo("FIRED");
                assertThat(catchUp.replica()).isEqualTo("polling-c");
                JsonPath done = ReadBatches.awaitDone(c.url(), catchUp.batch(), Duration.ofSeconds(60));
                assertThat(done.getInt("ok")).isEqualTo(METERS);
                Instant next = Instant.parse(given().baseUri(c.url()).get("/schedules/" + id).then().statusCode(200)
                        .extract().path("nextFire"));
                assertThat(next).isAfter(catchUp.firedAt());
                given().baseUri(c.url()).delete("/schedules/" + id).then().statusCode(204);
                // every batch the schedule created (the fires went with the schedule; the batches stay) read each
                // meter once: the simulator saw one session per meter and batch, no more
                List<String> all = batches(id);
                for (String batch : all) {
                    assertThat(ReadBatches.awaitDone(c.url(), batch, Duration.ofSeconds(60)).getInt("ok")).isEqualTo(METERS);
                }
                for (String m : ids) {
                    assertThat(fleet.sessions(m)).as("sessions of " + m + ": one per batch").isEqualTo(all.size());
                }

                // MDMS: the fleet's clock stands still, so each meter has one stored reading; each reached the queue
                Thread.sleep(3_000);
                Map<String, Integer> byKey = new HashMap<>();
                GetResponse r;
                while ((r = ch.basicGet(mdmsQueue, true)) != null) {
                    // an MdmsReadings message: each reading carries its dedup key
                    for (String key : JsonPath.from(new String(r.getBody(), java.nio.charset.StandardCharsets.UTF_8))
                            .getList("readings.dedupKey", String.class)) {
                        byKey.merge(key, 1, Integer::sum);
                    }
                }
                assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(storedKeys(ids));
                System.out.printf("ScheduledReadsIT: MDMS messages per dedup key %s%n", new HashSet<>(byKey.values()));
            } finally {
                for (ServiceProcess p : started) {
                    p.close();
                }
            }
        }
    }

    private static ServiceProcess start(Path root, String replica, List<ServiceProcess> started) throws Exception {
        Map<String, String> props = new HashMap<>(E2eStack.polling());
        props.put("hes.schedules.replica", "polling-" + replica);
        props.put("hes.schedules.tick", "250ms");
        ServiceProcess p = ServiceProcess.start(root, "polling-service", props, "polling-service-scheduled-" + replica)
                .awaitReady(Duration.ofSeconds(120));
        started.add(p);
        return p;
    }

    private static void awaitView(ServiceProcess polling, List<String> ids) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (given().baseUri(polling.url()).get("/meters/" + ids.get(ids.size() - 1) + "/readings").statusCode() == 404) {
            assertThat(System.nanoTime()).as("polling's view has the fleet").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    record Fire(Instant due, Instant firedAt, String outcome, String batch, String replica) {
    }

    /** Every scheduled fire in due order (the API shows the latest 20; the database has all). */
    private static List<Fire> fires(String scheduleId) throws Exception {
        List<Fire> out = new ArrayList<>();
        try (Connection c = TestDatabase.connection(); var st = c.prepareStatement("SELECT due_at, fired_at, outcome, "
                + "batch_id::text, replica FROM polling.schedule_fire WHERE schedule_id = ?::uuid AND trigger = 'SCHEDULED' "
                + "ORDER BY due_at")) {
            st.setString(1, scheduleId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new Fire(rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant(), rs.getString(3),
                            rs.getString(4), rs.getString(5)));
                }
            }
        }
        return out;
    }

    private static List<String> batches(String scheduleId) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = TestDatabase.connection(); var st = c.prepareStatement(
                "SELECT batch_id::text FROM polling.read_batch WHERE idempotency_key LIKE ?")) {
            st.setString(1, "schedule:" + scheduleId + ":%");
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static Set<String> storedKeys(List<String> ids) throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = TestDatabase.connection(); var st = c.prepareStatement(
                "SELECT meter_id, obis, meter_time FROM polling.reading WHERE meter_id = ANY(?)")) {
            st.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getTimestamp(3).toInstant());
                }
            }
        }
        return out;
    }

    private static List<String> batchKeys(String scheduleId) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = TestDatabase.connection(); var st = c.prepareStatement(
                "SELECT idempotency_key FROM polling.read_batch WHERE idempotency_key LIKE ?")) {
            st.setString(1, "schedule:" + scheduleId + ":%");
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
