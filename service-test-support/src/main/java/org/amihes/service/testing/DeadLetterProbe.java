package org.amihes.service.testing;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The tests' look into a dead-letter queue: publishes a message with a unique message id and finds its dead letters
 * by that id. Other messages in the queue are left there (taken unacked while looking, returned afterwards), so
 * tests sharing a broker do not steal each other's dead letters.
 */
public final class DeadLetterProbe implements AutoCloseable {

    private final Connection connection;
    private final Channel channel;

    public DeadLetterProbe(String name) throws Exception {
        connection = TestRabbit.factory().newConnection(name);
        channel = connection.createChannel();
    }

    public Channel channel() {
        return channel;
    }

    /** Publishes {@code body} persistent, as JSON, with a new message id, which it returns. */
    public String publish(String exchange, String routingKey, byte[] body) throws Exception {
        String id = UUID.randomUUID().toString();
        channel.basicPublish(exchange, routingKey, new AMQP.BasicProperties.Builder().contentType("application/json")
                .deliveryMode(2).messageId(id).build(), body);
        return id;
    }

    /**
     * The dead letters of message {@code messageId} found in {@code queue} within {@code timeout}: waits until at
     * least one arrived, then {@code settle} longer for copies (a message retried would be dead-lettered again or
     * stay in its queue). The letters found are taken off the queue.
     */
    public List<GetResponse> await(String queue, String messageId, Duration timeout, Duration settle) throws Exception {
        List<GetResponse> found = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        long settledAt = Long.MAX_VALUE;
        try (Channel look = connection.createChannel()) {
            while (System.nanoTime() < Math.min(deadline, settledAt)) {
                GetResponse r = look.basicGet(queue, false);
                if (r == null) {
                    Thread.sleep(50);
                    continue;
                }
                if (messageId.equals(r.getProps().getMessageId())) {
                    look.basicAck(r.getEnvelope().getDeliveryTag(), false);
                    found.add(r);
                    if (settledAt == Long.MAX_VALUE) {
                        settledAt = System.nanoTime() + settle.toNanos();
                    }
                }
                // others stay unacked on this channel until it closes: they go back to the queue
            }
        }
        return found;
    }

    /** A header of a dead letter as text. */
    public static String header(GetResponse letter, String name) {
        Object v = letter.getProps().getHeaders() == null ? null : letter.getProps().getHeaders().get(name);
        return v == null ? null : v.toString();
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
