package org.amihes.service.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Sends a message its consumer cannot use to a dead-letter queue with why and whence, instead of a bare reject (which
 * records only "rejected"): published on the delivery's own channel with a confirm, then the delivery is acked. A
 * crash in between redelivers it, to be rejected again: a dead letter may repeat, it is never lost.
 */
public final class DeadLetters {

    /** Header: why the message was rejected (e.g. the field that did not parse). */
    public static final String REJECT_REASON = "x-hes-reject-reason";
    /** Header: the queue it was rejected from. */
    public static final String ORIGINAL_QUEUE = "x-hes-original-queue";

    private static final Set<Channel> CONFIRMING = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private DeadLetters() {
    }

    /** Call from the one thread that settles the channel's deliveries (or while holding the channel's lock). */
    public static void send(Channel channel, long deliveryTag, String deadLetterQueue, String fromQueue, byte[] body,
                            String reason) throws IOException, InterruptedException, TimeoutException {
        publish(channel, deadLetterQueue, fromQueue, body, reason);
        channel.basicAck(deliveryTag, false);
    }

    /** Only the dead letter, confirmed: for a consumer that acks its delivery some other way. Blocks for the confirm. */
    public static void publish(Channel channel, String deadLetterQueue, String fromQueue, byte[] body, String reason)
            throws IOException, InterruptedException, TimeoutException {
        if (CONFIRMING.add(channel)) {
            channel.confirmSelect();
        }
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2)
                .headers(Map.of(REJECT_REASON, reason, ORIGINAL_QUEUE, fromQueue)).build();
        channel.basicPublish("", deadLetterQueue, props, body);
        channel.waitForConfirmsOrDie(10_000);
    }
}
