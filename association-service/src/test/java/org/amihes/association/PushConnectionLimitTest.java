package org.amihes.association;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import jakarta.inject.Inject;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.amihes.association.push.PushListener;
import org.amihes.association.push.PushMetrics;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterPushes;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, a storm of meters connecting at once: 5,000 TCP connections opened together (loopback, from 20 source
 * addresses) to a push listener that keeps at most {@link #LIMIT} open. Those beyond are closed as soon as they are
 * accepted and counted in {@code hes_push_connections_refused_total}; the listener never holds more than the limit, and
 * once the storm is gone it takes connections again: a registered meter's push is recorded.
 */
@QuarkusTest
@TestProfile(PushConnectionLimitTest.Limited.class)
class PushConnectionLimitTest {

    static final int LIMIT = 100;
    static final int STORM = 5_000;
    static final int SOURCES = 20;

    public static class Limited implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // idle connections are kept long enough for the storm to be counted
            return Map.of("hes.push.max-connections", Integer.toString(LIMIT), "hes.push.host", "127.0.0.1",
                    "hes.push.idle-timeout", "300s");
        }
    }

    @Inject
    PushListener listener;
    @Inject
    PushMetrics metrics;

    @Test
    void connectionsBeyondTheLimitAreClosedAndCountedAndTheListenerGoesOn() throws Exception {
        Vertx vertx = Vertx.vertx();
        List<NetClient> clients = new ArrayList<>();
        Set<NetSocket> open = ConcurrentHashMap.newKeySet();
        AtomicInteger closedByListener = new AtomicInteger();
        try {
            for (int s = 0; s < SOURCES; s++) {
                clients.add(vertx.createNetClient(new NetClientOptions().setLocalAddress("127.112.0." + (s + 1))
                        .setConnectTimeout(30_000)));
            }
            double refusedBefore = metrics.connectionsRefusedCount();
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long heapBefore = rt.totalMemory() - rt.freeMemory();
            List<Future<NetSocket>> connects = new ArrayList<>(STORM);
            for (int i = 0; i < STORM; i++) {
                connects.add(clients.get(i % SOURCES).connect(listener.port(), "127.0.0.1").onSuccess(socket -> {
                    open.add(socket);
                    socket.closeHandler(v -> {
                        if (open.remove(socket)) {
                            closedByListener.incrementAndGet();
                        }
                    });
                }));
            }
            Future.join(connects).otherwiseEmpty().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            long connected = connects.stream().filter(Future::succeeded).count();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((open.size() + closedByListener.get() < connected || open.size() > LIMIT)
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long heapAfter = rt.totalMemory() - rt.freeMemory();
            double refused = metrics.connectionsRefusedCount() - refusedBefore;
            System.out.printf("push connection storm: %d connections at once, %d connected (%d not: kernel backlog),"
                            + " %d kept open, %d closed by the listener, %.0f counted refused, peak %d open (limit %d),"
                            + " heap used %d MB before, %d MB after%n", STORM, connected, STORM - connected, open.size(),
                    closedByListener.get(), refused, metrics.connectionsPeak(), LIMIT, heapBefore >> 20, heapAfter >> 20);
            assertThat(connected).as("the kernel took the storm's connections").isGreaterThanOrEqualTo(STORM * 9L / 10);
            assertThat(metrics.connectionsPeak()).as("never more than the limit open").isLessThanOrEqualTo(LIMIT);
            assertThat(metrics.connections()).as("the limit taken by the first connections").isEqualTo(LIMIT);
            assertThat(open).as("the connections the listener kept").hasSize(LIMIT);
            assertThat(closedByListener.get()).as("every other connection closed by the listener")
                    .isEqualTo((int) connected - LIMIT);
            assertThat(refused).as("and counted").isEqualTo(connected - LIMIT);
        } finally {
            for (NetSocket s : Set.copyOf(open)) {
                open.remove(s);
                s.close();
            }
            clients.forEach(NetClient::close);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (metrics.connections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(metrics.connections()).as("all closed once the meters went").isZero();

        // the listener goes on: a registered meter's push is taken in and recorded
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // an address of this run's own: the test database keeps the meters of earlier runs, and a plain push from an
        // address several registered meters share is unattributable (HES-006), as it should be
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        String address = "127.113." + random.nextInt(256) + "." + random.nextInt(1, 255);
        Fleet fleet = Fleet.generate(1, List.of("aurora-ax1"), 37, address, port)
                .withIdPrefix("L" + UUID.randomUUID().toString().substring(0, 6) + "-");
        Path file = Files.createTempFile("push-limit-registry", ".json");
        fleet.writeRegistry(file);
        given().contentType(ContentType.JSON).body(file.toFile()).post("/meters/import").then().statusCode(200);
        Files.delete(file);
        double recordedBefore = metrics.recordedCount();
        try (FleetSimulator simulator = FleetSimulator.start(vertx, fleet, Clock.fixed(Instant.now(), ZoneOffset.UTC),
                address).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)) {
            simulator.pushes().target(new MeterPushes.Target("127.0.0.1", listener.port(), MeterPushes.Channel.TCP))
                    .plain(true);
            simulator.pushes().push(fleet.meters().get(0).meterId(), VendorProfile.Trigger.SCHEDULE).toCompletionStage()
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (metrics.recordedCount() == recordedBefore && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        assertThat(metrics.recordedCount() - recordedBefore).as("a push after the storm recorded").isEqualTo(1);
        String audit = Files.readString(Path.of("target/interop_audit.log"));
        assertThat(audit.lines().filter(l -> l.contains("\"PUSH\"") && l.contains("\"PASS\"")
                && l.contains(fleet.meters().get(0).meterId()))).hasSize(1);
    }
}
