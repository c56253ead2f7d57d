package org.amihes.association;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.ReadRegisters;
import org.amihes.contracts.RegisterReadings;
import org.amihes.contracts.MeterJobResult;
import org.amihes.service.testing.BrokerOutage;
import org.amihes.service.testing.TestRabbit;
import org.amihes.simulator.Faults;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.SimulatorOptions;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker away for 5 s while jobs are being executed: the job consumer and the result publisher recover by
 * themselves, every job gets its result, and no meter ever has two associations at once. (Issue 16's fast
 * broker-restart test; the heavy version runs a whole fleet through both services.) In the default suite the outage is
 * the application's own: its broker connections go through a {@link BrokerLink} that is cut (every connection closed,
 * new ones refused) and mended, so test suites sharing the machine's RabbitMQ at the same time (./hes test runs modules
 * side by side) go on. {@code ./hes test-faults} restarts RabbitMQ itself ({@code -Dfaults.broker-restart=true}:
 * stop_app, 5 s, start_app).
 */
@QuarkusTest
@io.quarkus.test.common.WithTestResource(org.amihes.service.testing.BrokerLinkResource.class)
class BrokerRestartTest {

    static final int METERS = 40;
    static final int JOBS_PER_METER = 15;
    static final String RESULTS_QUEUE = "association.results.restart-test";
    static Vertx vertx;

    @org.amihes.service.testing.BrokerLinkResource.InjectBrokerLink
    org.amihes.service.testing.BrokerLink brokerLink;
    static FleetSimulator simulator;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Fleet fleet = Fleet.generate(METERS, VendorProfile.WELL_BEHAVED, 23, "127.5.1.1", port)
                .withIdPrefix("R" + UUID.randomUUID().toString().substring(0, 6) + "-");
        vertx = Vertx.vertx();
        // 25 ms ± 5 ms per answer: ~100 ms per session, so jobs are in flight when the broker goes away
        simulator = FleetSimulator.start(vertx, fleet, Clock.fixed(Instant.parse("2026-06-15T08:00:00Z"), ZoneOffset.UTC),
                "0.0.0.0", SimulatorOptions.DEFAULTS.withFaults(Faults.latency(25, 5))).toCompletionStage().toCompletableFuture().get();
    }

    @AfterAll
    static void stop() {
        simulator.close();
        vertx.close();
    }

    @Test
    void jobsCompleteAcrossABrokerRestart() throws Exception {
        TestMeters.registerPublic(simulator.fleet().meters());
        Connection connection = TestRabbit.factory().newConnection("broker-restart-test"); // recovers by itself
        try {
            Channel ch = connection.createChannel();
            ch.exchangeDeclare(TestBroker.RESULTS, "topic", true);
            ch.exchangeDeclare(TestBroker.JOBS, "x-consistent-hash", true);
            ch.queueDeclare(RESULTS_QUEUE, true, false, false, null); // durable: it must outlive the restart
            ch.queuePurge(RESULTS_QUEUE);
            ch.queueBind(RESULTS_QUEUE, TestBroker.RESULTS, "#");
            ch.confirmSelect();
            String batch = UUID.randomUUID().toString();
            int total = METERS * JOBS_PER_METER;
            for (int i = 0; i < JOBS_PER_METER; i++) {
                for (MeterSpec m : simulator.fleet().meters()) {
                    MeterJob job = new MeterJob(batch + "/" + m.meterId() + "/" + i, batch, m.meterId(), Instant.now(), new ReadRegisters(List.of()));
                    ch.basicPublish(TestBroker.JOBS, org.amihes.contracts.MeterJobBatch.routingKey(m.meterId()),
                            new com.rabbitmq.client.AMQP.BasicProperties.Builder().contentType("application/json")
                                    .deliveryMode(2).build(),
                            TestBroker.JSON.writeValueAsBytes(new org.amihes.contracts.MeterJobBatch(List.of(job))));
                }
            }
            ch.waitForConfirmsOrDie(10_000);

            Map<String, MeterJobResult> results = new HashMap<>();
            collect(connection, results, total / 5, Duration.ofSeconds(60));
            assertThat(results.size()).as("results before the outage").isGreaterThanOrEqualTo(total / 5).isLessThan(total);

            brokerAway(Duration.ofSeconds(5));

            collect(connection, results, total, Duration.ofSeconds(120));
            assertThat(results).as("every job has its result after the restart").hasSize(total);
            assertThat(results.values()).allMatch(r -> r.status() == MeterJobResult.Status.OK);
            long sessions = 0;
            for (MeterSpec m : simulator.fleet().meters()) {
                assertThat(simulator.meterState(m.meterId()).mostConcurrent()).as(m.meterId()).isEqualTo(1);
                sessions += simulator.meterState(m.meterId()).sessions();
            }
            // jobs executed while the broker was away are redelivered after it, and answered from the replica's recent
            // results: the meters see one session per job
            assertThat(sessions).isEqualTo(total);
        } finally {
            try {
                Channel ch = connection.createChannel();
                ch.queueDelete(RESULTS_QUEUE);
            } finally {
                connection.abort();
            }
        }
    }

    /** The application's link to the broker cut for {@code down}, or (test-faults) RabbitMQ itself restarted. */
    private void brokerAway(Duration down) throws Exception {
        if (Boolean.getBoolean("faults.broker-restart")) {
            BrokerOutage.restart(down);
            return;
        }
        long refusedBefore = brokerLink.refused();
        brokerLink.cut();
        try {
            Thread.sleep(down.toMillis());
        } finally {
            brokerLink.mend();
        }
        assertThat(brokerLink.refused() - refusedBefore).as("the service tried to reconnect while its broker was away")
                .isPositive();
    }

    /** Reads results (deduplicated by job id) until {@code until} arrived or the time is up; survives the outage. */
    private static void collect(Connection connection, Map<String, MeterJobResult> into, int until, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Channel ch = null;
        while (into.size() < until && System.nanoTime() < deadline) {
            try {
                if (ch == null || !ch.isOpen()) {
                    ch = connection.createChannel();
                }
                GetResponse r = ch.basicGet(RESULTS_QUEUE, true);
                if (r == null) {
                    Thread.sleep(20);
                    continue;
                }
                for (MeterJobResult result : TestBroker.JSON.readValue(r.getBody(), org.amihes.contracts.MeterJobResultBatch.class).results()) {
                    into.put(result.jobId(), result);
                }
            } catch (java.io.IOException | com.rabbitmq.client.AlreadyClosedException e) {
                ch = null; // the broker is away: try again shortly
                Thread.sleep(200);
            }
        }
    }
}
