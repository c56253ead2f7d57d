package org.amihes.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: disconnect and reconnect over REST, each with an Idempotency-Key, through the broker to the meter's
 * management association. The simulator's counters prove the meter saw exactly one write: for a repeat with the same
 * key (before and after a restart of association-service), for the same command under another key (the meter is there
 * already: nothing is invoked), and for a job message delivered twice.
 */
class CommandsIT {

    static final Instant NOW = Instant.parse("2026-11-02T09:00:00Z");
    static final long SEED = 42;
    static final ObjectMapper JSON = new ObjectMapper();
    static SecuredStack stack;

    @BeforeAll
    static void startSystem() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Fleet fleet = Fleet.generate(4, List.of("aurora-ax1", "corvus-c3"), SEED, "127.6.5.1",
                ServiceProcess.freePort()).withIdPrefix("CMD-" + run + "-");
        stack = SecuredStack.start("commands-" + run, fleet, NOW, Map.of());
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    static io.restassured.response.ValidatableResponse send(MeterSpec m, String type, String key) {
        return given().baseUri(stack.association.url()).contentType(ContentType.JSON).header("Idempotency-Key", key)
                // the demo user operator of the realm; the X-Actor header is a forgery the service must ignore
                .header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.user("operator"))
                .header("X-Actor", "operator-7").body(Map.of("type", type)).post("/meters/" + m.meterId() + "/commands")
                .then();
    }

    /** {@code GET /commands/{key}/events} read to its end (the final state ends it), within 30 s. */
    static List<JsonPath> events(String key) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<java.util.stream.Stream<String>> r = http.sendAsync(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(stack.association.url() + "/commands/" + key + "/events"))
                        .header("Accept", "text/event-stream")
                        .header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.admin()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines()).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        java.util.concurrent.CompletableFuture<List<JsonPath>> read = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> r.body().filter(l -> l.startsWith("data:")).map(l -> new JsonPath(l.substring(5).strip())).toList());
        return read.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    static JsonPath awaitDone(String key) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonPath c = null;
        while (System.nanoTime() < deadline) {
            c = given().baseUri(stack.association.url()).get("/commands/" + key).then().statusCode(200).extract().jsonPath();
            if (!"PENDING".equals(c.getString("status"))) {
                return c;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("command " + key + " still pending: " + c.prettify());
    }

    static io.restassured.response.ValidatableResponse send(MeterSpec m, Map<String, Object> command, String key) {
        return given().baseUri(stack.association.url()).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.user("operator"))
                .body(command).post("/meters/" + m.meterId() + "/commands").then();
    }

    /**
     * Issue 16: every meter command asked again under its key is answered from the store without a session, and a key
     * asked for by several clients at once is one command: counted at the meter (sessions, disconnector calls, clock
     * and calendar writes), never from the head-end's answers.
     */
    @Test
    void eachCommandAskedAgainUnderItsKeyOrByManyAtOnceReachesTheMeterOnce() throws Exception {
        MeterSpec meter = stack.meters("aurora-ax1").get(1);
        MeterSpec raced = stack.meters("corvus-c3").get(1);
        String id = meter.meterId();
        String disconnect = "disc2-" + UUID.randomUUID();
        send(meter, "disconnect", disconnect).statusCode(202);
        assertThat(awaitDone(disconnect).getString("status")).isEqualTo("OK");
        Map<String, Object> reconnect = Map.of("type", "reconnect");
        Map<String, Object> clockSync = Map.of("type", "clock-sync", "maxDriftSeconds", 30);
        Instant activateAt = Instant.now().plus(Duration.ofDays(40)).truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        Map<String, Object> tariff = Map.of("type", "tariff", "calendarName", "TOU-DAY", "activateAt", activateAt.toString(),
                "switches", List.of(Map.of("at", "00:00", "tariff", 1), Map.of("at", "07:00", "tariff", 2)));
        for (Map<String, Object> command : List.of(reconnect, clockSync, tariff)) {
            String key = command.get("type") + "-" + UUID.randomUUID();
            send(meter, command, key).statusCode(202);
            JsonPath done = awaitDone(key);
            assertThat(done.getString("status")).as(done.prettify()).isEqualTo("OK");
            assertThat(done.getBoolean("result.outcome.written")).as(command + " written the first time").isTrue();
            long sessions = stack.simulator.meterState(id).sessions();
            long relay = stack.simulator.meterState(id).disconnectorCommands();
            Duration clock = stack.simulator.meterState(id).clockOffset();
            long calendar = stack.simulator.calendarWrites(id);
            for (int i = 0; i < 3; i++) {
                send(meter, command, key).statusCode(200).body("status", equalTo("OK"))
                        .body("result.outcome.written", equalTo(true));
            }
            Thread.sleep(500); // a session the repeats caused, if any, would have begun by now
            assertThat(stack.simulator.meterState(id).sessions()).as(command + " repeated: no session").isEqualTo(sessions);
            assertThat(stack.simulator.meterState(id).disconnectorCommands()).isEqualTo(relay);
            assertThat(stack.simulator.meterState(id).clockOffset()).isEqualTo(clock);
            assertThat(stack.simulator.calendarWrites(id)).isEqualTo(calendar);
        }
        // disconnect control mode 1 (aurora-ax1's profile): a remote reconnect leaves the meter ready for reconnection
        assertThat(stack.simulator.meterState(id).controlState()).as("reconnected once").isEqualTo(2);

        // eight clients ask under one new key at once: one command, one session, one disconnector call
        long sessions = stack.simulator.meterState(raced.meterId()).sessions();
        long relay = stack.simulator.meterState(raced.meterId()).disconnectorCommands();
        String key = "race-" + UUID.randomUUID();
        List<java.util.concurrent.CompletableFuture<Integer>> racing = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            racing.add(java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> send(raced, "disconnect", key).extract().statusCode()));
        }
        List<Integer> statuses = racing.stream().map(java.util.concurrent.CompletableFuture::join).toList();
        assertThat(statuses).as("accepted (202) or answered from the store (200), never refused").allMatch(c -> c == 202 || c == 200);
        JsonPath done = awaitDone(key);
        assertThat(done.getString("status")).as(done.prettify()).isEqualTo("OK");
        Thread.sleep(1_000); // a second execution, if any, would have run by now
        assertThat(stack.simulator.meterState(raced.meterId()).disconnectorCommands() - relay).as("one disconnector call")
                .isEqualTo(1);
        assertThat(stack.simulator.meterState(raced.meterId()).sessions() - sessions).as("one session").isEqualTo(1);
    }

    @Test
    void everyWriteReachesTheMeterOnceHoweverOftenItIsAskedOrDelivered() throws Exception {
        MeterSpec hls = stack.meters("aurora-ax1").get(0);
        MeterSpec lls = stack.meters("corvus-c3").get(0);
        String k1 = "disc-" + UUID.randomUUID();
        send(hls, "disconnect", k1).statusCode(202).header("Location", endsWith("/commands/" + k1))
                .body("status", equalTo("PENDING"));
        JsonPath first = awaitDone(k1);
        assertThat(first.getString("status")).as(first.prettify()).isEqualTo("OK");
        assertThat(first.getInt("result.outcome.before")).isEqualTo(1);
        assertThat(first.getInt("result.outcome.after")).isEqualTo(0);
        assertThat(first.getBoolean("result.outcome.written")).isTrue();
        assertThat(first.getBoolean("result.outcome.output")).isFalse();
        assertThat(stack.simulator.meterState(hls.meterId()).controlState()).isZero();
        assertThat(stack.simulator.meterState(hls.meterId()).disconnectorCommands()).isEqualTo(1);
        assertThat(stack.simulator.meterState(hls.meterId()).relayOperations()).isEqualTo(1);

        // the same key again: the stored answer, the meter not contacted
        long sessions = stack.simulator.meterState(hls.meterId()).sessions();
        send(hls, "disconnect", k1).statusCode(200).body("status", equalTo("OK"))
                .body("result.outcome.written", equalTo(true));
        // the same key for another command: refused
        send(hls, "reconnect", k1).statusCode(409).body("detail", containsString("a repeat must be the same command"));
        // the same command under another key: the meter is disconnected already, nothing is invoked
        String k2 = "disc-" + UUID.randomUUID();
        send(hls, "disconnect", k2).statusCode(202);
        // its progress as server-sent events: PENDING (maybe), then the final state, and the stream ends
        List<JsonPath> events = events(k2);
        assertThat(events).isNotEmpty();
        assertThat(events.get(events.size() - 1).getString("status")).isEqualTo("OK");
        assertThat(events.subList(0, events.size() - 1)).allSatisfy(e -> assertThat(e.getString("status")).isEqualTo("PENDING"));
        // a command done already: one event, its final state
        assertThat(events(k1)).singleElement().satisfies(e -> assertThat(e.getString("status")).isEqualTo("OK"));
        JsonPath second = awaitDone(k2);
        assertThat(second.getBoolean("result.outcome.written")).isFalse();
        assertThat(stack.simulator.meterState(hls.meterId()).disconnectorCommands()).isEqualTo(1);
        assertThat(stack.simulator.meterState(hls.meterId()).sessions()).as("only k2's session").isEqualTo(sessions + 1);

        // after a restart of association-service the key still answers from the store
        stack.association.close();
        stack.restartAssociation("commands-restarted");
        send(hls, "disconnect", k1).statusCode(200).body("status", equalTo("OK"));
        assertThat(stack.simulator.meterState(hls.meterId()).sessions()).isEqualTo(sessions + 1);

        // a job message delivered twice (a broker redelivery, a publisher's resend): one write
        String k3 = "reco-" + UUID.randomUUID();
        send(lls, "disconnect", k3).statusCode(202);
        assertThat(awaitDone(k3).getBoolean("result.outcome.written")).isTrue();
        // the job as message-contracts writes it (MeterJobBatch of one reconnect, twice in one message), sent twice
        String jobId = "command/dup-" + UUID.randomUUID();
        String job = "{\"jobId\":\"" + jobId + "\",\"batchId\":\"dup\",\"meterId\":\"" + lls.meterId()
                + "\",\"requestedAt\":\"" + Instant.now() + "\",\"command\":{\"type\":\"reconnect\"},"
                + "\"requestedBy\":\"operator-7\"}";
        byte[] body = ("{\"jobs\":[" + job + "," + job + "]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // the bucket of the meter, as MeterJobBatch.routingKey computes it
        String routingKey = "b" + Math.floorMod(lls.meterId().hashCode(), 4096);
        try (com.rabbitmq.client.Connection c = org.amihes.service.testing.TestRabbit.factory().newConnection()) {
            com.rabbitmq.client.Channel ch = c.createChannel();
            ch.confirmSelect();
            com.rabbitmq.client.AMQP.BasicProperties props = new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                    .contentType("application/json").deliveryMode(2).build();
            ch.basicPublish("meter-jobs.by-meter-e2e", routingKey, props, body);
            ch.basicPublish("meter-jobs.by-meter-e2e", routingKey, props, body);
            ch.waitForConfirmsOrDie(5_000);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (stack.simulator.meterState(lls.meterId()).controlState() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(1_000); // a second execution, if any, would have run by now
        assertThat(stack.simulator.meterState(lls.meterId()).controlState()).as("corvus-c3 mode 1: ready for reconnection")
                .isEqualTo(2);
        assertThat(stack.simulator.meterState(lls.meterId()).disconnectorCommands()).as("disconnect + one reconnect")
                .isEqualTo(2);

        // clock synchronisation: the simulated meters run on a fixed clock (NOW), weeks behind; set once, then in step
        String c1 = "clock-" + UUID.randomUUID();
        given().baseUri(stack.association.url()).contentType(ContentType.JSON).header("Idempotency-Key", c1)
                .body(Map.of("type", "clock-sync", "maxDriftSeconds", 30)).post("/meters/" + hls.meterId() + "/commands")
                .then().statusCode(202);
        JsonPath set = awaitDone(c1);
        assertThat(set.getBoolean("result.outcome.written")).as(set.prettify()).isTrue();
        assertThat(set.getLong("result.outcome.driftMillis")).isLessThan(-Duration.ofDays(1).toMillis());
        java.time.Duration offset = stack.simulator.meterState(hls.meterId()).clockOffset();
        assertThat(offset).isGreaterThan(Duration.ofDays(1));
        String c2 = "clock-" + UUID.randomUUID();
        given().baseUri(stack.association.url()).contentType(ContentType.JSON).header("Idempotency-Key", c2)
                .body(Map.of("type", "clock-sync")).post("/meters/" + hls.meterId() + "/commands").then().statusCode(202);
        JsonPath inStep = awaitDone(c2);
        assertThat(inStep.getBoolean("result.outcome.written")).as(inStep.prettify()).isFalse();
        assertThat(Math.abs(inStep.getLong("result.outcome.driftMillis"))).isLessThan(10_000);
        assertThat(stack.simulator.meterState(hls.meterId()).clockOffset()).as("not written again").isEqualTo(offset);
        given().baseUri(stack.association.url()).contentType(ContentType.JSON).header("Idempotency-Key", "bad-" + c2)
                .body(Map.of("type", "clock-sync", "maxDriftSeconds", 0)).post("/meters/" + hls.meterId() + "/commands")
                .then().statusCode(400);

        // a tariff (activity calendar, class 20): written once, a repeat under another key finds it there
        Instant activateAt = Instant.now().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        Map<String, Object> tariff = Map.of("type", "tariff", "calendarName", "TOU-NIGHT", "activateAt", activateAt.toString(),
                "switches", List.of(Map.of("at", "00:00", "tariff", 2), Map.of("at", "06:30", "tariff", 1),
                        Map.of("at", "22:00", "tariff", 2)));
        long calendarWrites = stack.simulator.calendarWrites(hls.meterId());
        String t1 = "tariff-" + UUID.randomUUID();
        given().baseUri(stack.association.url()).contentType(ContentType.JSON).header("Idempotency-Key", t1)
                .body(tariff).post("/meters/" + hls.meterId() + "/commands").then().statusCode(202);
        JsonPath written = awaitDone(t1);
        assertThat(written.getString("status")).as(written.prettify()).isEqualTo("OK");
        assertThat(written.getBoolean("result.outcome.written")).isTrue();
        assertThat(written.getString("result.outcome.calendarNameBefore")).isEqualTo("STANDARD"); // the simulator's factory calendar
        assertThat(Instant.parse(written.getString("result.outcome.activateAt"))).isEqualTo(activateAt);
        assertThat(stack.simulator.passiveCalendarName(hls.meterId())).isEqualTo("TOU-NIGHT");
        assertThat(stack.simulator.calendarWrites(hls.meterId()) - calendarWrites).as("attributes 6 to 10, once").isEqualTo(5);
        String t2 = "tariff-" + UUID.randomUUID();
        given().baseUri(stack.association.url()).contentType(ContentType.JSON).header("Idempotency-Key", t2)
                .body(tariff).post("/meters/" + hls.meterId() + "/commands").then().statusCode(202);
        JsonPath again = awaitDone(t2);
        assertThat(again.getBoolean("result.outcome.written")).as(again.prettify()).isFalse();
        assertThat(again.getString("result.outcome.calendarNameBefore")).isEqualTo("TOU-NIGHT");
        assertThat(stack.simulator.calendarWrites(hls.meterId()) - calendarWrites).as("nothing written again").isEqualTo(5);
        Map<String, Object> late = new java.util.HashMap<>(tariff);
        late.put("activateAt", Instant.now().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        given().baseUri(stack.association.url()).contentType(ContentType.JSON).header("Idempotency-Key", "bad-" + t2)
                .body(late).post("/meters/" + hls.meterId() + "/commands").then().statusCode(400)
                .body("detail", containsString("must be in the future"));
        Map<String, Object> noMidnight = new java.util.HashMap<>(tariff);
        noMidnight.put("switches", List.of(Map.of("at", "06:00", "tariff", 1)));
        given().baseUri(stack.association.url()).contentType(ContentType.JSON).header("Idempotency-Key", "bad2-" + t2)
                .body(noMidnight).post("/meters/" + hls.meterId() + "/commands").then().statusCode(400)
                .body("detail", containsString("00:00"));
        given().baseUri(stack.association.url()).get("/commands/bad-" + t2).then().statusCode(404);

        String log = Files.readString(stack.audit());
        assertThat(log).contains("\"operation\":\"TARIFF_WRITE\"").contains("\"operation\":\"CLOCK_SYNC\"").contains("\"operation\":\"DISCONNECT\"")
                // the actor is the token's user, never the forged X-Actor header (the raw job above names operator-7)
                .contains("\"requestedBy\":\"operator\"")
                .contains("\"controlStateBefore\":1").contains("\"controlStateAfter\":0");
    }
}
