package org.amihes.association;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.amihes.contracts.JobPriority;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.ReadRegisters;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.amihes.service.testing.TimeWindows;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, "broadcast storm": admission control seen from the meters' side. Jobs through the real RabbitMQ, meters
 * of the simulator over TCP; the simulator records every session start ({@link FleetSimulator#onAccept}), so order and
 * rate are measured where the meters are, not by timing the head-end.
 */
@QuarkusTest
@TestProfile(AdmissionStormTest.Bounded.class)
class AdmissionStormTest {

    static final int RATE = 500;
    static final int BURST = 50;
    static final int METERS = 10_000;

    /** A rate bound well below what this machine can open, and every job of the backlog held in the process. */
    public static class Bounded implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hes.sessions.new-per-second", String.valueOf(RATE),
                    "hes.sessions.new-burst", String.valueOf(BURST),
                    "hes.sessions.max-concurrent", "50",
                    "hes.jobs.prefetch", "10000");
        }
    }

    /** A session start at the simulator: which meter, when (nanoTime), in the order they happened. */
    record Start(String meterId, long at) {
    }

    static Vertx vertx;
    static FleetSimulator simulator;
    static TestBroker broker;
    static final ConcurrentLinkedQueue<Start> starts = new ConcurrentLinkedQueue<>();
    static boolean registered;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Fleet fleet = Fleet.generate(METERS, List.of("aurora-ax1"), 23, "127.7.0.1", port)
                .withIdPrefix("S" + UUID.randomUUID().toString().substring(0, 6) + "-");
        vertx = Vertx.vertx();
        simulator = FleetSimulator.start(vertx, fleet, Clock.fixed(Instant.parse("2026-06-15T08:00:00Z"), ZoneOffset.UTC),
                "0.0.0.0").toCompletionStage().toCompletableFuture().get();
        simulator.onAccept(id -> starts.add(new Start(id, System.nanoTime())));
        broker = new TestBroker();
    }

    @BeforeEach
    void register() throws Exception {
        if (registered) {
            return;
        }
        registered = true;
        Path file = Files.createTempFile("storm-registry", ".json");
        simulator.fleet().writeRegistry(file);
        given().contentType(ContentType.JSON).body(Files.readAllBytes(file)).post("/meters/import").then().statusCode(200);
        Files.delete(file);
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
        simulator.close();
        vertx.close();
    }

    private static MeterJob read(String batch, MeterSpec m, JobPriority priority) {
        return new MeterJob(batch + "/" + m.meterId(), batch, m.meterId(), Instant.now(),
                new ReadRegisters(List.of(ReadRegisters.ACTIVE_ENERGY_IMPORT)), null, priority);
    }

    @Test
    void anOnDemandReadAndACommandStartBeforeTheScheduledBacklog() throws Exception {
        List<MeterSpec> meters = simulator.fleet().meters();
        // at RATE per second the backlog takes six seconds to work off: long beside the on-demand work's way through
        // the broker and REST (milliseconds on a quiet machine, 0.4 s measured in a loaded CI run)
        int backlog = 3_000;
        String batch = UUID.randomUUID().toString();
        starts.clear();
        for (int i = 0; i < backlog; i++) {
            broker.publishJob(read(batch, meters.get(i), JobPriority.SCHEDULED));
        }
        // the backlog is being worked off (at RATE per second: seconds for 2,000)
        awaitStarts(BURST + 20, Duration.ofSeconds(60));

        MeterSpec onDemand = meters.get(backlog);
        MeterSpec commanded = meters.get(backlog + 1);
        int startedWhenAsked = starts.size();
        long askedAt = System.nanoTime();
        broker.publishJob(read(batch, onDemand, JobPriority.ON_DEMAND));
        String key = "adm-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).header("X-Actor", "operator-olga")
                .body(Map.of("type", "reconnect")).post("/meters/" + commanded.meterId() + "/commands")
                .then().statusCode(202);

        Map<String, MeterJobResult> results = broker.awaitResults(backlog + 2, Duration.ofSeconds(120));
        assertThat(results).hasSize(backlog + 2);
        // the reads all succeed; the command ran its session (over the public client the meter may refuse it)
        assertThat(results.values()).filteredOn(r -> r.command().equals(ReadRegisters.TYPE))
                .hasSize(backlog + 1).allMatch(r -> r.status() == MeterJobResult.Status.OK);

        List<String> order = starts.stream().map(Start::meterId).toList();
        int waitingWhenAsked = backlog - startedWhenAsked;
        assertThat(waitingWhenAsked).as("scheduled reads still waiting when the on-demand work came").isGreaterThan(backlog / 2);
        List<Start> inOrder = List.copyOf(starts);
        for (MeterSpec m : List.of(onDemand, commanded)) {
            int position = order.indexOf(m.meterId());
            int scheduledBefore = position - startedWhenAsked;
            System.out.printf("admission: %s started %d ms after it was asked, after %d of the %d scheduled reads"
                    + " waiting then%n", m.meterId(), (inOrder.get(position).at() - askedAt) / 1_000_000,
                    scheduledBefore, waitingWhenAsked);
            // first-come-first-served would start it after all of them; with priorities only those admitted while it
            // travelled through the broker (and REST) go first. That travel is a matter of the machine's load (0.4 s,
            // 209 scheduled reads, in a loaded CI run), so the bound is half the backlog: three seconds of travel,
            // where first-come-first-served would start it last
            assertThat(scheduledBefore).as(m.meterId() + " starts ahead of the scheduled backlog")
                    .isLessThan(waitingWhenAsked / 2);
        }
    }

    @jakarta.inject.Inject
    org.amihes.association.messaging.JobConsumer consumer;

    @Test
    void aStormOfTenThousandNewAssociationsKeepsTheRateBound() throws Exception {
        String batch = UUID.randomUUID().toString();
        starts.clear();
        // the prefetch lets every message of the storm in at once; the jobs taken out of them stay within the job
        // window (default: twice the session bound, at least two full messages: 200 here; one job per message)
        java.util.concurrent.atomic.AtomicInteger mostHeld = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostWaiting = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean storming = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (storming.get()) {
                mostHeld.accumulateAndGet(consumer.jobsHeld(), Math::max);
                mostWaiting.accumulateAndGet(consumer.messagesWaiting(), Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
        });
        sampler.start();
        for (MeterSpec m : simulator.fleet().meters()) {
            broker.publishJob(read(batch, m, JobPriority.ON_DEMAND));
        }
        // a message waiting for room waits as it came: its headers announce its jobs, its body is read once it is
        // admitted. One that does not parse, announced as scheduled work, starts after the whole storm: it reaches the
        // dead-letter queue only then (read on arrival, it would be there at once)
        String unreadable = "unreadable-" + UUID.randomUUID();
        broker.publishRaw("unreadable", TestBroker.unreadableJobs(unreadable),
                new org.amihes.contracts.MeterJobBatch.Announced(1, JobPriority.SCHEDULED).headers());
        Map<String, MeterJobResult> results;
        try {
            assertThat(broker.take(TestBroker.DLQ, unreadable, Duration.ofSeconds(3)))
                    .as("the unreadable message, waiting behind the storm, already read").isNull();
            results = broker.awaitResults(METERS, Duration.ofSeconds(300));
        } finally {
            storming.set(false);
            sampler.join();
        }
        System.out.printf("admission: at most %d jobs taken out of their messages, %d messages waiting for room%n",
                mostHeld.get(), mostWaiting.get());
        assertThat(mostHeld.get()).as("jobs held at once (window 200)").isBetween(50, 200);
        assertThat(mostWaiting.get()).as("the storm's messages waited for room, delivered but not started")
                .isGreaterThan(1_000);
        // every place is given back, once the last results are recorded (the results can reach this test first)
        assertThat(JobsHeld.afterSettling(consumer, Duration.ofSeconds(30))).as("jobs still held").isZero();
        assertThat(results).hasSize(METERS);
        assertThat(results.values()).allMatch(r -> r.status() == MeterJobResult.Status.OK);
        assertThat(broker.take(TestBroker.DLQ, unreadable, Duration.ofSeconds(30)))
                .as("the unreadable message, read once admitted after the storm").isNotNull();

        List<Long> at = new ArrayList<>(starts.stream().map(Start::at).sorted().toList());
        assertThat(at.size()).as("a session per meter at least (retries count too)").isGreaterThanOrEqualTo(METERS);
        int most = TimeWindows.mostWithin(at, 1_000_000_000L);
        int mostIn2s = TimeWindows.mostWithin(at, 2_000_000_000L);
        double seconds = (at.get(at.size() - 1) - at.get(0)) / 1e9;
        System.out.printf("admission: %d sessions for %d meters in %.1f s at the simulator, at most %d in any one second,"
                + " %d in any two (bound %d/s, burst %d)%n", at.size(), METERS, seconds, most, mostIn2s, RATE, BURST);
        // the head-end admits at most RATE per second after a BURST (exactly: AdmissionTest, with a given clock). The
        // simulator, in this JVM, sees the accepts only when its event loops get to them: a stall there moves the
        // connects of the stall's length into the next window. Measured: 584 accepts in one second at load 50; 1,079 in
        // two seconds on an otherwise idle machine (clean-clone run of 2916458). So two-second windows, allowing the
        // accepts of 200 ms of stall on top of the bound
        assertThat(mostIn2s).as("sessions started in any two seconds").isLessThanOrEqualTo(2 * RATE + BURST + RATE / 5);
        assertThat(seconds).as("the storm is spread by the rate").isGreaterThanOrEqualTo((METERS - BURST) / (double) RATE - 0.5);
    }

    private static void awaitStarts(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (starts.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(starts.size()).as("sessions started").isGreaterThanOrEqualTo(n);
    }
}
