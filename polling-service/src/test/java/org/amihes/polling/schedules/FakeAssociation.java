package org.amihes.polling.schedules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobBatch;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.MeterJobResultBatch;
import org.amihes.contracts.MeterRegistryChange;
import org.amihes.contracts.ReadRegisters;
import org.amihes.contracts.RegisterReadings;
import org.amihes.contracts.RegisterValue;
import org.amihes.contracts.RegisteredMeter;
import org.amihes.service.testing.TestDatabase;

/**
 * The test plays association-service on the real broker: registry events for polling-service's view, the jobs
 * polling-service publishes (a queue bound to the jobs exchange with every bucket), results back.
 */
public final class FakeAssociation implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    static final String JOBS = "meter-jobs.by-meter-ptest";
    static final String RESULTS = "meter-results-ptest";
    static final String REGISTRY = "meter-registry-ptest";

    final Connection connection;
    final Channel channel;
    final String jobQueue;
    /** Jobs taken from the queue that belonged to another batch than the one asked for, kept for later. */
    private final List<MeterJob> others = new ArrayList<>();

    public FakeAssociation() throws Exception {
        connection = org.amihes.service.testing.TestRabbit.factory().newConnection("polling-schedules-test");
        channel = connection.createChannel();
        channel.exchangeDeclare(JOBS, "x-consistent-hash", true);
        channel.exchangeDeclare(RESULTS, "topic", true);
        channel.exchangeDeclare(REGISTRY, "topic", true);
        jobQueue = channel.queueDeclare().getQueue();
        channel.queueBind(jobQueue, JOBS, "1");
        channel.queueDeclare("polling.meter-registry.test", true, false, false,
                java.util.Map.of("x-dead-letter-exchange", REGISTRY + ".dlx"));
        channel.queueBind("polling.meter-registry.test", REGISTRY, MeterRegistryChange.ROUTING_KEY);
    }

    public void register(List<String> ids, String vendor) throws Exception {
        Instant now = Instant.now();
        register(ids.stream().map(id -> new RegisteredMeter(id, vendor, now)).toList());
    }

    /** Announces the meters (with their tags) and waits until polling-service's view has them all. */
    public void register(List<RegisteredMeter> meters) throws Exception {
        List<String> ids = meters.stream().map(RegisteredMeter::meterId).toList();
        for (int from = 0; from < meters.size(); from += 1000) {
            List<RegisteredMeter> part = meters.subList(from, Math.min(meters.size(), from + 1000));
            channel.basicPublish(REGISTRY, MeterRegistryChange.ROUTING_KEY, new AMQP.BasicProperties.Builder()
                    .contentType("application/json").deliveryMode(2).build(),
                    JSON.writeValueAsBytes(new MeterRegistryChange(UUID.randomUUID().toString(), false, part)));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (TestDatabase.sql("SELECT count(*) FROM polling.meter WHERE meter_id = ANY(?)",
                (Object) ids.toArray(String[]::new)) < ids.size()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the view did not take the registry events");
            }
            Thread.sleep(50);
        }
    }

    /** The jobs of one batch, as published; waits for {@code expected} of them. */
    public synchronized List<MeterJob> jobsOf(String batchId, int expected, Duration timeout) throws Exception {
        List<MeterJob> jobs = new ArrayList<>();
        others.removeIf(j -> j.batchId().equals(batchId) && jobs.add(j));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (jobs.size() < expected && System.nanoTime() < deadline) {
            GetResponse r = channel.basicGet(jobQueue, true);
            if (r == null) {
                Thread.sleep(20);
                continue;
            }
            for (MeterJob job : JSON.readValue(r.getBody(), MeterJobBatch.class).jobs()) {
                (job.batchId().equals(batchId) ? jobs : others).add(job);
            }
        }
        return jobs;
    }

    /** Jobs of any batch that match, kept from earlier takes or taken now (backfill batches have ids of their own). */
    public synchronized List<MeterJob> jobsWhere(java.util.function.Predicate<MeterJob> match, int expected,
                                                 Duration timeout) throws Exception {
        List<MeterJob> jobs = new ArrayList<>();
        others.removeIf(j -> match.test(j) && jobs.add(j));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (jobs.size() < expected && System.nanoTime() < deadline) {
            GetResponse r = channel.basicGet(jobQueue, true);
            if (r == null) {
                Thread.sleep(20);
                continue;
            }
            for (MeterJob job : JSON.readValue(r.getBody(), MeterJobBatch.class).jobs()) {
                (match.test(job) ? jobs : others).add(job);
            }
        }
        return jobs;
    }

    /** Answers the jobs as failed: the meter did not answer (NETWORK). */
    public void fail(List<MeterJob> jobs) throws Exception {
        List<MeterJobResult> results = jobs.stream().map(j -> MeterJobResult.failed(j, "public: client 16 NONE",
                new org.amihes.contracts.MeterFailure("NETWORK", "DLMS-101", "no answer", List.of()))).toList();
        channel.basicPublish(RESULTS, MeterJobResultBatch.routingKey(jobs.get(0).command().commandType()),
                new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build(),
                JSON.writeValueAsBytes(new MeterJobResultBatch(results)));
    }

    /** Answers every job with the register readings {@link #valueOf} gives, at {@code meterTime}. */
    public void answer(List<MeterJob> jobs, Instant meterTime) throws Exception {
        List<MeterJobResult> results = new ArrayList<>();
        for (MeterJob job : jobs) {
            List<RegisterValue> values = ((ReadRegisters) job.command()).registers().stream()
                    .map(obis -> RegisterValue.of(obis, valueOf(job.meterId(), obis), 0, "Wh")).toList();
            results.add(MeterJobResult.ok(job, "public: client 16 NONE", new RegisterReadings(meterTime, values)));
        }
        for (int from = 0; from < results.size(); from += 200) {
            channel.basicPublish(RESULTS, MeterJobResultBatch.routingKey(ReadRegisters.TYPE), new AMQP.BasicProperties.Builder()
                    .contentType("application/json").deliveryMode(2).build(),
                    JSON.writeValueAsBytes(new MeterJobResultBatch(results.subList(from, Math.min(results.size(), from + 200)))));
        }
    }

    /** The profile channel {@link #answerProfile} answers: active energy import, scaler 1 (raw x 10 Wh). */
    public static final org.amihes.contracts.ProfileChannel ENERGY = new org.amihes.contracts.ProfileChannel(0, 3,
            "1.0.1.8.0.255", 2, 1, "Wh");

    /**
     * Answers load-profile jobs as meters capturing {@link #ENERGY} every {@code period} seconds would: one interval per
     * capture time of the job's range, raw {@link #intervalRaw}, status 0.
     */
    public void answerProfile(List<MeterJob> jobs, long period) throws Exception {
        List<MeterJobResult> results = new ArrayList<>();
        for (MeterJob job : jobs) {
            org.amihes.contracts.ReadProfile p = (org.amihes.contracts.ReadProfile) job.command();
            List<org.amihes.contracts.ProfileInterval> rows = new ArrayList<>();
            long first = Math.floorDiv(p.from().getEpochSecond() + period - 1, period) * period;
            for (long t = first; t < p.to().getEpochSecond(); t += period) {
                rows.add(new org.amihes.contracts.ProfileInterval(Instant.ofEpochSecond(t), 0L,
                        List.of(intervalRaw(job.meterId(), Instant.ofEpochSecond(t)))));
            }
            results.add(MeterJobResult.ok(job, "public: client 16 NONE", new org.amihes.contracts.ProfileIntervals(
                    p.profile(), period, List.of(ENERGY), rows)));
        }
        for (int from = 0; from < results.size(); from += 200) {
            channel.basicPublish(RESULTS, MeterJobResultBatch.routingKey(org.amihes.contracts.ReadProfile.TYPE),
                    new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build(),
                    JSON.writeValueAsBytes(new MeterJobResultBatch(results.subList(from, Math.min(results.size(), from + 200)))));
        }
    }

    /** The raw value of a meter's interval the test can recompute: the meter's base plus a Wh/10 per minute. */
    public static BigDecimal intervalRaw(String meterId, Instant capturedAt) {
        return BigDecimal.valueOf(Math.abs((long) meterId.hashCode()) % 100_000 + capturedAt.getEpochSecond() / 60);
    }

    /** A value per meter and register that the test can recompute. */
    public static BigDecimal valueOf(String meterId, String obis) {
        return BigDecimal.valueOf(Math.abs((long) (meterId + obis).hashCode()) % 1_000_000);
    }

    public Connection connection() {
        return connection;
    }

    public Channel channel() {
        return channel;
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
