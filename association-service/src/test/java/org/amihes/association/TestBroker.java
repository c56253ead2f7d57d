package org.amihes.association;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.amihes.contracts.MeterJobResult;

/**
 * The test's own client of the real RabbitMQ: publishes jobs the way polling-service does and collects results
 * from a private queue bound to the results exchange.
 */
final class TestBroker implements AutoCloseable {

    static final String JOBS = "meter-jobs.by-meter-atest";
    static final String DLQ = "association.jobs.test.dlq";
    static final String RESULTS = "meter-results-test";
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Connection connection;
    private final Channel channel;
    private final String resultQueue;

    TestBroker() throws Exception {
        ConnectionFactory factory = org.amihes.service.testing.TestRabbit.factory();
        connection = factory.newConnection("association-service-test");
        channel = connection.createChannel();
        channel.exchangeDeclare(RESULTS, "topic", true);
        channel.exchangeDeclare(JOBS, "x-consistent-hash", true);
        resultQueue = channel.queueDeclare().getQueue(); // exclusive, auto-delete: gone with the test
        channel.queueBind(resultQueue, RESULTS, "#");
    }

    /** As polling-service does: in a message of jobs, routed by the meter's bucket. */
    void publishJob(org.amihes.contracts.MeterJob job) throws Exception {
        publish(new org.amihes.contracts.MeterJobBatch(java.util.List.of(job)));
    }

    /** Many jobs as polling-service sends them: those of one routing bucket together, up to 100 per message. */
    void publishJobs(java.util.List<org.amihes.contracts.MeterJob> jobs) throws Exception {
        for (org.amihes.contracts.MeterJobBatch batch : org.amihes.contracts.MeterJobBatch.of(jobs)) {
            publish(batch);
        }
    }

    /** One message of jobs, with the headers that announce them, routed by its first meter's bucket. */
    void publish(org.amihes.contracts.MeterJobBatch batch) throws Exception {
        publishRaw(batch.routingKey(), JSON.writeValueAsBytes(batch), batch.headers());
    }

    /** A message of jobs that does not parse (its first job cut off in the middle), marked with {@code marker}. */
    static byte[] unreadableJobs(String marker) {
        return ("{\"jobs\": [{\"jobId\": \"" + marker + "\", \"meterId\": [").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A message as given, without headers (a publisher that announces nothing, or a malformed one). */
    void publishRaw(String routingKey, byte[] body) throws Exception {
        publishRaw(routingKey, body, null);
    }

    void publishRaw(String routingKey, byte[] body, Map<String, Object> headers) throws Exception {
        channel.basicPublish(JOBS, routingKey, new AMQP.BasicProperties.Builder().contentType("application/json")
                .deliveryMode(2).headers(headers).build(), body);
    }

    /** A private queue bound to {@code exchange} (a topic exchange) with {@code bindingKey}; gone with the test. */
    String listen(String exchange, String bindingKey) throws Exception {
        channel.exchangeDeclare(exchange, "topic", true);
        String q = channel.queueDeclare().getQueue();
        channel.queueBind(q, exchange, bindingKey);
        return q;
    }

    /** The bodies waiting in {@code queue} now (taken). */
    java.util.List<byte[]> drain(String queue) throws Exception {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        for (GetResponse r = channel.basicGet(queue, true); r != null; r = channel.basicGet(queue, true)) {
            out.add(r.getBody());
        }
        return out;
    }

    /** Results received within {@code timeout}, by job id, until {@code expected} arrived. */
    Map<String, MeterJobResult> awaitResults(int expected, Duration timeout) throws Exception {
        Map<String, MeterJobResult> byJob = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (byJob.size() < expected && System.nanoTime() < deadline) {
            GetResponse r = channel.basicGet(resultQueue, true);
            if (r == null) {
                Thread.sleep(20);
                continue;
            }
            for (MeterJobResult result : JSON.readValue(r.getBody(), org.amihes.contracts.MeterJobResultBatch.class).results()) {
                byJob.put(result.jobId(), result);
            }
        }
        return byJob;
    }

    /** Takes messages from {@code queue} until one whose body contains {@code marker}; null if none came in time. */
    GetResponse take(String queue, String marker, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            GetResponse r = channel.basicGet(queue, true);
            if (r == null) {
                Thread.sleep(20);
            } else if (new String(r.getBody(), java.nio.charset.StandardCharsets.UTF_8).contains(marker)) {
                return r;
            }
        }
        return null;
    }

    /** Messages waiting in a queue (e.g. the dead-letter queue). */
    long depth(String queue) throws Exception {
        return channel.messageCount(queue);
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
