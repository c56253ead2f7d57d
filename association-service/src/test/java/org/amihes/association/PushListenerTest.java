package org.amihes.association;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.restassured.http.ContentType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.amihes.association.push.PushListener;
import org.amihes.association.push.PushMetrics;
import org.amihes.contracts.MeterPushEvent;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterPushes;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.amihes.service.testing.BrokerLink;
import org.amihes.service.testing.BrokerLinkResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, meter-initiated traffic: simulated meters push to the push listener over TCP and UDP (real sockets, the
 * real RabbitMQ and PostgreSQL); each push must arrive decoded, with the values the simulator's model gives, audited
 * and published exactly once. Meters here push plain (keys are security-service's: the ciphered pushes are in e2e
 * PushIT). A storm of 10,000 meters pushing at once through a small in-flight bound must all arrive over TCP, with the
 * bound never exceeded. The application's broker connections go through a {@link BrokerLink}: a storm pushed while it is
 * cut is recorded in the push outbox in batched transactions and published once the broker is reachable again, each
 * push once.
 */
@QuarkusTest
@TestProfile(PushListenerTest.SmallBound.class)
@WithTestResource(BrokerLinkResource.class)
class PushListenerTest {

    static final int BOUND = 64;
    static final int STORM = 10_000;
    /** The storm's stated bound: every push received and published within this (6.9 s on this 2-core machine). */
    static final double STORM_SECONDS = 60;
    /** Live heap a push may leave behind after a full GC (1.8 KiB measured, the test's own MeterPushEvent included). */
    static final int STORM_HEAP_PER_PUSH = 4096;
    static final Instant NOW = Instant.parse("2026-06-15T08:00:00Z");

    public static class SmallBound implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hes.push.max-in-flight", Integer.toString(BOUND), "hes.push.host", "127.0.0.1");
        }
    }

    @Inject
    PushListener listener;
    @Inject
    PushMetrics metrics;
    @Inject
    org.amihes.association.push.PushPublisher publisher;
    @Inject
    Pool pool;
    @BrokerLinkResource.InjectBrokerLink
    BrokerLink brokerLink;

    static Vertx vertx;
    static FleetSimulator simulator;
    static Fleet fleet;
    static Fleet storm;
    static Connection rabbit;
    static Channel channel;
    static final Map<String, List<MeterPushEvent>> events = new ConcurrentHashMap<>();
    static boolean registered;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String run = "P" + UUID.randomUUID().toString().substring(0, 6) + "-";
        // a push's sender is found by its address (host and logical device): this run's meters get hosts no registered
        // meter has. Fixed hosts made every push of a second run on the same database HES-006 (the first run's meters
        // still registered there: two meters at each address), and ConnectivityTest's 10,000 meters on 127.9.x once
        // made the storm's ambiguous (9,982 HES-006 in the clean-clone run of e0360e1)
        block = freeBlock(io.quarkus.arc.Arc.container().instance(org.amihes.association.domain.MeterDirectory.class).get());
        fleet = Fleet.generate(4, VendorProfile.BUILT_IN, 23, host(block, 1), port).withIdPrefix(run);
        storm = Fleet.generate(STORM, List.of("aurora-ax1", "borealis-b7"), 29, host(block, 257), port)
                .withIdPrefix(run + "S");
        List<MeterSpec> all = new ArrayList<>(fleet.meters());
        all.addAll(storm.meters());
        vertx = Vertx.vertx();
        simulator = FleetSimulator.start(vertx, new Fleet(fleet.seed(), all), Clock.fixed(NOW, ZoneOffset.UTC), "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get();
        rabbit = org.amihes.service.testing.TestRabbit.factory().newConnection("push-listener-test");
        channel = rabbit.createChannel();
        channel.exchangeDeclare("meter-events-atest", "topic", true);
        String queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, "meter-events-atest", "push.#");
        channel.basicConsume(queue, true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                    throws java.io.IOException {
                MeterPushEvent e = TestBroker.JSON.readValue(body, MeterPushEvent.class);
                events.computeIfAbsent(e.meterId(), id -> new CopyOnWriteArrayList<>()).add(e);
            }
        });
    }

    /** Hosts 127.114.0.0 and up in blocks of {@link #BLOCK} addresses: .1-.4 the fleet, from .257 the storm. */
    static final int BLOCK = 41 * 256;
    static final int FIRST_BLOCK = (127 << 24) | (114 << 16);
    static final int BLOCKS = ((254 - 114) << 16) / BLOCK;
    static int block;

    static String host(int block, int offset) {
        int v = FIRST_BLOCK + block * BLOCK + offset;
        return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
    }

    /** A block none of whose fleet, storm or stranger hosts a registered meter has (from a random start). */
    static int freeBlock(org.amihes.association.domain.MeterDirectory directory) {
        int start = new java.util.SplittableRandom().nextInt(BLOCKS);
        for (int i = 0; i < BLOCKS; i++) {
            int b = (start + i) % BLOCKS;
            if (java.util.stream.IntStream.of(1, 4, 100, 200, 257, 257 + STORM - 1)
                    .allMatch(offset -> directory.atAddress(host(b, offset), 1).isEmpty())) {
                return b;
            }
        }
        throw new IllegalStateException("every one of " + BLOCKS + " host blocks has meters of earlier runs registered:"
                + " drop the test database's association schema");
    }

    @BeforeEach
    void register() throws Exception {
        if (registered) {
            return;
        }
        registered = true;
        // on a loaded machine the broker connection may come after the start: pushes before it would be HES-007
        long ready = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!publisher.ready() && System.nanoTime() < ready) {
            Thread.sleep(100);
        }
        assertThat(publisher.ready()).as("push events publisher connected").isTrue();
        Path file = Files.createTempFile("push-registry", ".json");
        new Fleet(fleet.seed(), simulator.fleet().meters()).writeRegistry(file);
        given().contentType(ContentType.JSON).body(file.toFile()).post("/meters/import").then().statusCode(200);
        Files.delete(file);
        simulator.pushes().target(new MeterPushes.Target("127.0.0.1", listener.port(), MeterPushes.Channel.TCP))
                .plain(true);
    }

    @AfterAll
    static void stop() throws Exception {
        rabbit.close();
        simulator.close();
        vertx.close();
    }

    @Test
    void aPushFromEachVendorArrivesDecodedAuditedAndPublishedOnce() throws Exception {
        for (MeterSpec m : fleet.meters()) {
            await(simulator.pushes().push(m.meterId(), VendorProfile.Trigger.SCHEDULE));
        }
        for (MeterSpec m : fleet.meters()) {
            VendorProfile profile = VendorProfile.load(m.profile());
            MeterPushEvent e = awaitEvents(m.meterId(), 1).get(0);
            assertThat(e.kind()).isEqualTo(MeterPushEvent.Kind.DATA);
            assertThat(e.pushSetup()).isEqualTo("0.0.25.9.0.255");
            assertThat(e.transport()).isEqualTo("TCP");
            assertThat(e.vendor()).isEqualTo(profile.name());
            assertThat(e.meterTime()).isEqualTo(NOW);
            assertThat(e.values()).hasSize(5);
            MeterPushEvent.PushedValue ldn = e.values().get(1);
            assertThat(ldn.obis()).isEqualTo("0.0.42.0.0.255");
            assertThat(ldn.value()).isEqualTo(HexFormat.of().formatHex((profile.manufacturer() + m.serialNumber())
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            assertThat(e.values().get(2).type()).isEqualTo("date-time");
            assertThat(e.values().get(2).value()).isEqualTo(NOW.toString());
            MeterPushEvent.PushedValue energy = e.values().get(3);
            assertThat(energy.obis()).isEqualTo(profile.energyObis());
            if (profile.energyRegisterNull()) {
                assertThat(energy.type()).as("the vendor's unmapped register pushes null, as the model says").isEqualTo("null");
            } else {
                assertThat(energy.scaler()).isEqualTo(profile.energyScaler());
                assertThat(energy.unit()).isEqualTo("Wh");
                assertThat(energy.scaled()).isEqualByComparingTo(MeterModel.energyValue(m, profile, NOW));
            }
        }
        Thread.sleep(500); // a duplicate would have come by now
        for (MeterSpec m : fleet.meters()) {
            assertThat(events.get(m.meterId())).as("published once: " + m.meterId()).hasSize(1);
        }
        String audit = Files.readString(Path.of("target/interop_audit.log"));
        for (MeterSpec m : fleet.meters()) {
            assertThat(audit.lines().filter(l -> l.contains("\"operation\":\"PUSH\"") && l.contains("\"PASS\"")
                    && l.contains(m.meterId()))).hasSize(1);
        }
    }

    @Test
    void powerDownPowerUpAndAnAlarmArriveOverUdpToo() throws Exception {
        MeterSpec m = fleet.meters().get(0);
        simulator.pushes().target(new MeterPushes.Target("127.0.0.1", listener.port(), MeterPushes.Channel.UDP));
        try {
            int before = events.getOrDefault(m.meterId(), List.of()).size();
            await(simulator.pushes().powerDown(m.meterId()));
            awaitEvents(m.meterId(), before + 1);
            await(simulator.pushes().powerUp(m.meterId()));
            awaitEvents(m.meterId(), before + 2);
            await(simulator.pushes().raiseAlarm(m.meterId(), 0x0100L));
            List<MeterPushEvent> got = awaitEvents(m.meterId(), before + 3).subList(before, before + 3);
            assertThat(got).extracting(MeterPushEvent::transport).containsOnly("UDP");
            assertThat(got).extracting(MeterPushEvent::pushSetup)
                    .containsExactly("0.1.25.9.0.255", "0.1.25.9.0.255", "0.4.25.9.0.255");
            assertThat(got.get(0).values().get(3).obis()).isEqualTo("0.0.96.11.0.255");
            assertThat(got.get(0).values().get(3).value()).isEqualTo("1"); // power down (IDIS event code 1)
            assertThat(got.get(1).values().get(3).value()).isEqualTo("2"); // power up
            assertThat(got.get(2).values().get(2).obis()).isEqualTo("0.0.97.98.0.255");
            assertThat(got.get(2).values().get(2).value()).isEqualTo(Long.toString(0x0100L));
        } finally {
            simulator.pushes().target(new MeterPushes.Target("127.0.0.1", listener.port(), MeterPushes.Channel.TCP));
        }
    }

    @Test
    void aPushFromAnUnknownAddressOrGarbageIsAuditedAndNotPublished() throws Exception {
        double unknownBefore = metrics.rejectedCount("HES-006");
        double malformedBefore = metrics.rejectedCount("DLMS-001");
        // a meter that is not in the registry: same frames, from an address no registered meter has
        int strangerPort;
        try (ServerSocket s = new ServerSocket(0)) {
            strangerPort = s.getLocalPort();
        }
        String strangerHost = host(block, 200);
        Fleet stranger = Fleet.generate(1, List.of("aurora-ax1"), 31, strangerHost, strangerPort).withIdPrefix("STRANGER-");
        try (FleetSimulator other = FleetSimulator.start(vertx, stranger, Clock.fixed(NOW, ZoneOffset.UTC), strangerHost)
                .toCompletionStage().toCompletableFuture().get()) {
            other.pushes().target(new MeterPushes.Target("127.0.0.1", listener.port(), MeterPushes.Channel.TCP)).plain(true);
            await(other.pushes().push(stranger.meters().get(0).meterId(), VendorProfile.Trigger.SCHEDULE));
        }
        // bytes that are no frame at all
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", listener.port())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while ((metrics.rejectedCount("HES-006") == unknownBefore || metrics.rejectedCount("DLMS-001") == malformedBefore)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(metrics.rejectedCount("HES-006")).isEqualTo(unknownBefore + 1);
        assertThat(metrics.rejectedCount("DLMS-001")).isEqualTo(malformedBefore + 1);
        Thread.sleep(300);
        assertThat(events).doesNotContainKey(stranger.meters().get(0).meterId());
        String audit = Files.readString(Path.of("target/interop_audit.log"));
        assertThat(audit.lines().filter(l -> l.contains("\"PUSH\"") && l.contains("\"SECURITY\"")
                && l.contains("HES-006: Push from an unknown meter (no registered meter at " + strangerHost
                        + " with logical device 1)"))).hasSize(1);
        // the listener goes on: a registered meter's push still arrives
        MeterSpec m = fleet.meters().get(1);
        int before = events.getOrDefault(m.meterId(), List.of()).size();
        await(simulator.pushes().push(m.meterId(), VendorProfile.Trigger.SCHEDULE));
        awaitEvents(m.meterId(), before + 1);
    }

    @Test
    void aPushFromAnAddressTwoMetersAreRegisteredAtIsAuditedNamingBothAndNotPublished() throws Exception {
        double unknownBefore = metrics.rejectedCount("HES-006");
        // two meters behind one NAT address (ports 1 apart), the same logical device: a plain push cannot say which
        String shared = host(block, 100);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Fleet one = Fleet.generate(1, List.of("aurora-ax1"), 37, shared, port).withIdPrefix("NAT1-" + block + "-");
        Fleet two = Fleet.generate(1, List.of("aurora-ax1"), 41, shared, port + 1).withIdPrefix("NAT2-" + block + "-");
        Path file = Files.createTempFile("push-nat-registry", ".json");
        new Fleet(one.seed(), List.of(one.meters().get(0), two.meters().get(0))).writeRegistry(file);
        given().contentType(ContentType.JSON).body(file.toFile()).post("/meters/import").then().statusCode(200);
        Files.delete(file);
        String first = one.meters().get(0).meterId();
        String second = two.meters().get(0).meterId();
        try (FleetSimulator nat = FleetSimulator.start(vertx, one, Clock.fixed(NOW, ZoneOffset.UTC), shared)
                .toCompletionStage().toCompletableFuture().get()) {
            nat.pushes().target(new MeterPushes.Target("127.0.0.1", listener.port(), MeterPushes.Channel.TCP)).plain(true);
            await(nat.pushes().push(first, VendorProfile.Trigger.SCHEDULE));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (metrics.rejectedCount("HES-006") == unknownBefore && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(metrics.rejectedCount("HES-006")).isEqualTo(unknownBefore + 1);
        Thread.sleep(300);
        assertThat(events).doesNotContainKeys(first, second);
        String audit = Files.readString(Path.of("target/interop_audit.log"));
        assertThat(audit.lines().filter(l -> l.contains("\"PUSH\"") && l.contains("\"SECURITY\"")
                && l.contains("HES-006: Push from an unattributable meter (2 meters are registered at " + shared
                        + " with logical device 1: " + first + ", " + second + "; "))).hasSize(1);
    }

    @Test
    void aStormOf5000MetersPushingAtOnceIsAllReceivedOverTcpWithinTheBound() throws Exception {
        double publishedBefore = metrics.recordedCount();
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapBefore = rt.totalMemory() - rt.freeMemory();
        long started = System.nanoTime();
        List<Future<?>> pushes = new ArrayList<>(STORM);
        for (MeterSpec m : storm.meters()) {
            pushes.add(simulator.pushes().push(m.meterId(), VendorProfile.Trigger.SCHEDULE));
        }
        Future.join(pushes).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (scheduledTcp(storm.meters()) < STORM && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long heapPeak = rt.totalMemory() - rt.freeMemory();
        System.gc();
        long heapAfter = rt.totalMemory() - rt.freeMemory();
        System.out.printf("push storm: %d TCP pushes, %d received and published in %.1f s, in-flight peak %d (bound %d),"
                        + " buffered bytes peak %d, heap used %.1f MB before, %.1f MB at the end, %.1f MB after a full GC%n",
                STORM, scheduledTcp(storm.meters()), seconds, metrics.inFlightPeak(), BOUND, metrics.bufferedBytesPeak(),
                heapBefore / 1e6, heapPeak / 1e6, heapAfter / 1e6);
        assertThat(scheduledTcp(storm.meters())).as("every push of the storm published").isEqualTo(STORM);
        assertThat(metrics.recordedCount() - publishedBefore).isGreaterThanOrEqualTo(STORM);
        assertThat(metrics.inFlightPeak()).as("notifications in flight never beyond the bound").isLessThanOrEqualTo(BOUND);
        assertThat(seconds).as("the storm served within the stated time").isLessThanOrEqualTo(STORM_SECONDS);
        // what stays after a full GC: the test's own record of each push (events) and nothing per connection
        assertThat(heapAfter - heapBefore).as("live heap growth, bound " + STORM_HEAP_PER_PUSH + " bytes per push")
                .isLessThanOrEqualTo((long) STORM * STORM_HEAP_PER_PUSH);
        Thread.sleep(1000);
        for (MeterSpec m : storm.meters()) {
            List<MeterPushEvent> tcp = events.get(m.meterId()).stream().filter(PushListenerTest::scheduledOverTcp).toList();
            assertThat(tcp).as("none lost, none twice: " + m.meterId()).hasSize(1);
            VendorProfile profile = VendorProfile.load(m.profile());
            assertThat(tcp.get(0).values().get(3).scaled()).isEqualByComparingTo(MeterModel.energyValue(m, profile, NOW));
        }
    }

    @Test
    void aStormPushedWhileTheBrokerIsUnreachableIsRecordedInBatchesAndPublishedOnceEachWhenItIsBack() throws Exception {
        awaitOutboxEmpty(); // what earlier tests pushed is relayed
        String prefix = storm.meters().get(0).meterId().substring(0, 9); // the run's storm meters: P<run>-S
        double recordedBefore = metrics.recordedCount();
        double writesBefore = metrics.outboxWriteCount();
        long refusedBefore = brokerLink.refused();
        brokerLink.cut();
        long rows;
        double writes;
        try {
            List<Future<?>> pushes = new ArrayList<>(STORM);
            for (MeterSpec m : storm.meters()) {
                pushes.add(simulator.pushes().push(m.meterId(), VendorProfile.Trigger.POWER));
            }
            Future.join(pushes).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (metrics.recordedCount() - recordedBefore < STORM && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(3_000); // the relay's passes (every 2 s, and after each write) find no broker
            rows = outboxRows(prefix);
            writes = metrics.outboxWriteCount() - writesBefore;
            System.out.printf("push outbox: %d pushes while the broker was unreachable, %.0f recorded in %.0f "
                            + "transactions (%.1f rows each), %d rows held, %d reconnections refused%n", STORM,
                    metrics.recordedCount() - recordedBefore, writes, (metrics.recordedCount() - recordedBefore) / writes,
                    rows, brokerLink.refused() - refusedBefore);
            assertThat(metrics.recordedCount() - recordedBefore).as("every push recorded").isEqualTo(STORM);
            assertThat(powerOverTcp(storm.meters())).as("nothing reached the broker while it was unreachable").isZero();
            assertThat(rows).as("the pushes held in the push outbox").isEqualTo(STORM);
            assertThat(brokerLink.refused()).as("the service tried to reconnect meanwhile").isGreaterThan(refusedBefore);
        } finally {
            brokerLink.mend();
        }
        // batched: at most BOUND pushes are in flight (each waits for its batch), so a transaction holds up to BOUND rows
        assertThat(writes).as("outbox transactions for " + STORM + " pushes").isLessThanOrEqualTo(STORM / 5.0);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while ((powerOverTcp(storm.meters()) < STORM || outboxRows(prefix) > 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(1_000); // a repeat would have come by now
        assertThat(outboxRows(prefix)).as("the outbox is empty once the broker confirmed").isZero();
        for (MeterSpec m : storm.meters()) {
            List<MeterPushEvent> power = events.getOrDefault(m.meterId(), List.of()).stream()
                    .filter(PushListenerTest::powerOverTcp).toList();
            assertThat(power).as("published once when the broker was back: " + m.meterId()).hasSize(1);
            VendorProfile profile = VendorProfile.load(m.profile());
            assertThat(power.get(0).values().get(1).value()).isEqualTo(HexFormat.of().formatHex(
                    (profile.manufacturer() + m.serialNumber()).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        }
    }

    static boolean powerOverTcp(MeterPushEvent e) {
        return "TCP".equals(e.transport()) && "0.1.25.9.0.255".equals(e.pushSetup());
    }

    static long powerOverTcp(List<MeterSpec> meters) {
        long n = 0;
        for (MeterSpec m : meters) {
            n += events.getOrDefault(m.meterId(), List.of()).stream().filter(PushListenerTest::powerOverTcp).count();
        }
        return n;
    }

    private long outboxRows(String meterIdPrefix) {
        return pool.preparedQuery("SELECT count(*) FROM association.push_outbox WHERE convert_from(payload, 'UTF8') LIKE $1")
                .execute(Tuple.of("%\"meterId\":\"" + meterIdPrefix + "%"))
                .await().atMost(Duration.ofSeconds(30)).iterator().next().getLong(0);
    }

    private void awaitOutboxEmpty() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (outboxRows("") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(outboxRows("")).as("push outbox relayed before the test").isZero();
    }

    static boolean scheduledOverTcp(MeterPushEvent e) {
        return "TCP".equals(e.transport()) && "0.0.25.9.0.255".equals(e.pushSetup());
    }

    static long scheduledTcp(List<MeterSpec> meters) {
        long n = 0;
        for (MeterSpec m : meters) {
            n += events.getOrDefault(m.meterId(), List.of()).stream().filter(PushListenerTest::scheduledOverTcp).count();
        }
        return n;
    }

    @Test
    void aUdpStormDropsBeyondTheBoundAndCountsWhatItDropped() throws Exception {
        simulator.pushes().target(new MeterPushes.Target("127.0.0.1", listener.port(), MeterPushes.Channel.UDP));
        try {
            double udpBefore = metrics.receivedCount("UDP");
            double droppedBefore = metrics.udpDroppedCount();
            double publishedBefore = metrics.recordedCount();
            List<Future<?>> pushes = new ArrayList<>(STORM);
            for (MeterSpec m : storm.meters()) {
                pushes.add(simulator.pushes().push(m.meterId(), VendorProfile.Trigger.ALARM));
            }
            // every send ends (a datagram socket the sender could not open counts as not sent), then the listener drains
            Future.join(pushes).otherwiseEmpty().toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
            long sent = pushes.stream().filter(Future::succeeded).count();
            Thread.sleep(3000);
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (metrics.recordedCount() - publishedBefore < metrics.receivedCount("UDP") - udpBefore
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            double received = metrics.receivedCount("UDP") - udpBefore;
            double dropped = metrics.udpDroppedCount() - droppedBefore;
            double published = metrics.recordedCount() - publishedBefore;
            System.out.printf("UDP storm: %d meters, %d datagrams sent, %.0f handled, %.0f dropped at the bound (counted),"
                    + " %.0f lost before the listener, %.0f published, in-flight peak %d%n", STORM, sent, received, dropped,
                    sent - received - dropped, published, metrics.inFlightPeak());
            assertThat(published).as("every datagram taken in is published").isEqualTo(received);
            assertThat(received + dropped).isLessThanOrEqualTo(sent);
            assertThat(received).isPositive();
            assertThat(metrics.inFlightPeak()).isLessThanOrEqualTo(BOUND);
        } finally {
            simulator.pushes().target(new MeterPushes.Target("127.0.0.1", listener.port(), MeterPushes.Channel.TCP));
        }
    }

    private static List<MeterPushEvent> awaitEvents(String meterId, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (events.getOrDefault(meterId, List.of()).size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<MeterPushEvent> got = events.getOrDefault(meterId, List.of());
        assertThat(got).as("events of " + meterId).hasSizeGreaterThanOrEqualTo(count);
        return got;
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
