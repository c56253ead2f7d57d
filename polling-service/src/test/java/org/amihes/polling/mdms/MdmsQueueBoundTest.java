package org.amihes.polling.mdms;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.amihes.polling.PollingConfig;
import org.amihes.service.testing.TestRabbit;
import org.junit.jupiter.api.Test;

/**
 * The bound of the MDMS queues polling-service declares ({@link MdmsQueues}), on the real RabbitMQ: a queue nobody
 * takes from keeps the newest {@code max-length} readings and moves the older ones to its overflow queue, every
 * publish still confirmed (the relay never stalls); a reading older than the TTL moves too; the depth metric counts
 * both; a queue declared before the policy is kept and still bound.
 */
class MdmsQueueBoundTest {

    static PollingConfig.Mdms.Amqp config(String exchange, String queue, int maxLength, Duration ttl) {
        return new PollingConfig.Mdms.Amqp() {
            public boolean enabled() {
                return true;
            }

            public String exchange() {
                return exchange;
            }

            public List<String> queues() {
                return List.of(queue);
            }

            public int maxLength() {
                return maxLength;
            }

            public Duration messageTtl() {
                return ttl;
            }

            public Duration depthEvery() {
                return Duration.ofMillis(200);
            }
        };
    }

    static void publish(Channel ch, String exchange, List<String> keys) throws Exception {
        ch.confirmSelect();
        for (String k : keys) {
            ch.basicPublish(exchange, "reading.register.1.0.1.8.0.255", new AMQP.BasicProperties.Builder().messageId(k)
                    .deliveryMode(2).contentType("application/json").build(), ("{\"dedupKey\":\"" + k + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        ch.waitForConfirmsOrDie(10_000); // every reading taken by the broker: nothing held back at the publisher
    }

    static List<String> take(Channel ch, String queue) throws Exception {
        List<String> out = new ArrayList<>();
        GetResponse r;
        while ((r = ch.basicGet(queue, true)) != null) {
            out.add(r.getProps().getMessageId());
        }
        return out;
    }

    static void await(LongSupplier value, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (value.getAsLong() != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(value.getAsLong()).isEqualTo(expected);
    }

    static void cleanUp(Connection c, String exchange, String queue) throws Exception {
        try (Channel ch = c.createChannel()) {
            ch.queueDelete(queue);
            ch.queueDelete(MdmsQueues.overflowQueue(queue));
            ch.exchangeDelete(exchange);
            ch.exchangeDelete(MdmsQueues.overflowExchange(exchange));
        }
    }

    @Test
    void aQueueNobodyTakesFromKeepsTheNewestAndMovesTheOlderToItsOverflowQueueCounted() throws Exception {
        String run = "mdms-bound-" + UUID.randomUUID().toString().substring(0, 8);
        String exchange = run + ".x";
        String queue = run + ".q";
        PollingConfig.Mdms.Amqp config = config(exchange, queue, 5, Duration.ofDays(7));
        Vertx vertx = Vertx.vertx();
        try (Connection c = TestRabbit.factory().newConnection("mdms-bound-test")) {
            MdmsQueues.declare(c, config);
            MdmsQueues.declare(c, config); // another replica declares the same: no failure
            List<String> keys = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                keys.add(run + "/k" + i);
            }
            Channel ch = c.createChannel();
            publish(ch, exchange, keys);
            await(() -> messageCount(ch, queue), 5);
            await(() -> messageCount(ch, MdmsQueues.overflowQueue(queue)), 3);

            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            MdmsQueueDepths depths = new MdmsQueueDepths(vertx, config, metrics);
            depths.start(c);
            await(() -> (long) metrics.get("hes.mdms.queue.messages").tag("queue", queue).gauge().value(), 5);
            await(() -> (long) metrics.get("hes.mdms.queue.messages").tag("queue", MdmsQueues.overflowQueue(queue))
                    .gauge().value(), 3);

            // the newest stay, in order; the oldest were pushed out to the overflow queue, in order
            assertThat(take(ch, queue)).containsExactlyElementsOf(keys.subList(3, 8));
            assertThat(take(ch, MdmsQueues.overflowQueue(queue))).containsExactlyElementsOf(keys.subList(0, 3));
            await(() -> depths.depth(queue), 0);
            cleanUp(c, exchange, queue);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    @Test
    void aReadingOlderThanTheTtlMovesToTheOverflowQueue() throws Exception {
        String run = "mdms-ttl-" + UUID.randomUUID().toString().substring(0, 8);
        String exchange = run + ".x";
        String queue = run + ".q";
        try (Connection c = TestRabbit.factory().newConnection("mdms-ttl-test")) {
            MdmsQueues.declare(c, config(exchange, queue, 100, Duration.ofMillis(300)));
            Channel ch = c.createChannel();
            publish(ch, exchange, List.of(run + "/old"));
            await(() -> messageCount(ch, MdmsQueues.overflowQueue(queue)), 1);
            assertThat(messageCount(ch, queue)).isZero();
            cleanUp(c, exchange, queue);
        }
    }

    @Test
    void aQueueDeclaredBeforeThePolicyIsKeptAndStillBound() throws Exception {
        String run = "mdms-old-" + UUID.randomUUID().toString().substring(0, 8);
        String exchange = run + ".x";
        String queue = run + ".q";
        try (Connection c = TestRabbit.factory().newConnection("mdms-old-test")) {
            try (Channel ch = c.createChannel()) {
                ch.queueDeclare(queue, true, false, false, null);
            }
            MdmsQueues.declare(c, config(exchange, queue, 5, Duration.ofDays(7)));
            Channel ch = c.createChannel();
            publish(ch, exchange, List.of(run + "/1", run + "/2"));
            await(() -> messageCount(ch, queue), 2);
            cleanUp(c, exchange, queue);
        }
    }

    static long messageCount(Channel ch, String queue) {
        try {
            return ch.messageCount(queue);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
