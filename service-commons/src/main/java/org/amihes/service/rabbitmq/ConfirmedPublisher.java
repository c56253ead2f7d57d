package org.amihes.service.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Publishes persistent messages on one channel in confirm mode and completes each message's future when the broker
 * confirms it. Callers never block: messages are queued and published by this publisher's own thread, as many as
 * are waiting at once; the broker confirms them in batches (multiple acks), so a confirm costs no round trip per
 * message. A message whose confirm can no longer come (a nack, a lost connection) fails its future: the caller still
 * holds what it published and decides (requeue the job, retry the outbox row), so nothing is lost. A publisher whose
 * messages must reach a queue ({@code mandatory}) fails the future of a message the broker returned: no queue was bound
 * for its routing key (its consumer has not started on this broker yet), where the broker would confirm it and drop it.
 */
public final class ConfirmedPublisher implements AutoCloseable {

    /** The broker refused the message, or the connection was lost before it confirmed it. */
    public static final class NotConfirmed extends IOException {
        public NotConfirmed(String message) {
            super(message);
        }
    }

    /** A persistent JSON message; {@code headers} may be null (none). */
    public record Outgoing(String exchange, String routingKey, String messageId, byte[] body,
                           java.util.Map<String, Object> headers) {
        public Outgoing(String exchange, String routingKey, String messageId, byte[] body) {
            this(exchange, routingKey, messageId, body, null);
        }
    }

    private record Pending(Outgoing message, CompletableFuture<Void> confirmed) {
    }

    private static final Pending STOP = new Pending(null, null);
    private static final int BURST = 1000;

    private final Channel channel;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** Published, awaiting the broker's confirm, by publish sequence number; touched by this thread and the client's. */
    private final ConcurrentNavigableMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();
    private final Thread thread;
    private final boolean mandatory;

    public ConfirmedPublisher(Connection connection, String name) throws IOException {
        this(connection, name, false);
    }

    /** @param mandatory every message must reach a queue: one the broker returns unrouted fails its future */
    public ConfirmedPublisher(Connection connection, String name, boolean mandatory) throws IOException {
        this.channel = connection.createChannel();
        this.mandatory = mandatory;
        channel.confirmSelect();
        if (mandatory) {
            // the broker returns an unroutable mandatory message before it confirms it
            channel.addReturnListener(r -> unrouted(r.getProperties().getMessageId(), r.getExchange(), r.getRoutingKey(),
                    r.getReplyText()));
        }
        channel.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long seq, boolean multiple) {
                settle(seq, multiple, null);
            }

            @Override
            public void handleNack(long seq, boolean multiple) {
                settle(seq, multiple, new NotConfirmed("the broker refused the message (nack)"));
            }
        });
        ((Recoverable) channel).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
                failUnconfirmed();
            }

            @Override
            public void handleRecovery(Recoverable recoverable) {
                failUnconfirmed(); // sequence numbers start again on the new channel
            }
        });
        channel.addShutdownListener(cause -> failUnconfirmed());
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Declares something on this publisher's channel (exchanges are declared once, before publishing). */
    public Channel channelForDeclarations() {
        return channel;
    }

    /** Queues the message; the future completes when the broker confirms it, or fails with {@link NotConfirmed}. */
    public CompletableFuture<Void> publish(Outgoing message) {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        queue.add(new Pending(message, confirmed));
        return confirmed;
    }

    /** Messages published and not yet confirmed, plus those queued. */
    public int backlog() {
        return unconfirmed.size() + queue.size();
    }

    private void run() {
        List<Pending> burst = new ArrayList<>(BURST);
        while (true) {
            try {
                Pending first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                burst.add(first);
                queue.drainTo(burst, BURST - 1);
                for (Pending p : burst) {
                    if (p == STOP) {
                        return;
                    }
                    publishNow(p);
                }
                burst.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void publishNow(Pending p) {
        Outgoing m = p.message();
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
                .deliveryMode(2).messageId(m.messageId()).headers(m.headers()).build();
        try {
            long seq = channel.getNextPublishSeqNo();
            unconfirmed.put(seq, p);
            try {
                channel.basicPublish(m.exchange(), m.routingKey(), mandatory, props, m.body());
            } catch (IOException | RuntimeException e) {
                unconfirmed.remove(seq);
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            p.confirmed().completeExceptionally(new NotConfirmed("not published: " + e.getMessage()));
        }
    }

    private void settle(long seq, boolean multiple, Exception failure) {
        if (multiple) {
            Map<Long, Pending> done = unconfirmed.headMap(seq, true);
            List<Pending> settled = new ArrayList<>(done.values());
            done.clear();
            settled.forEach(p -> complete(p.confirmed(), failure));
        } else {
            Pending p = unconfirmed.remove(seq);
            if (p != null) {
                complete(p.confirmed(), failure);
            }
        }
    }

    /**
     * A returned message: its future fails before its confirm comes (which then changes nothing). Found by message id
     * among those awaiting their confirm: returns are rare (a consumer missing), the hot path keeps no index for them.
     */
    private void unrouted(String messageId, String exchange, String routingKey, String reason) {
        for (Pending p : unconfirmed.values()) {
            Outgoing m = p.message();
            if (!p.confirmed().isDone() && java.util.Objects.equals(m.messageId(), messageId)
                    && m.exchange().equals(exchange) && m.routingKey().equals(routingKey)) {
                p.confirmed().completeExceptionally(new NotConfirmed("no queue takes routing key '" + routingKey
                        + "' on exchange " + exchange + " yet (" + reason + "): returned, not delivered"));
                return;
            }
        }
    }

    private static void complete(CompletableFuture<Void> f, Exception failure) {
        if (failure == null) {
            f.complete(null);
        } else {
            f.completeExceptionally(failure);
        }
    }

    private void failUnconfirmed() {
        List<Pending> lost = new ArrayList<>(unconfirmed.values());
        unconfirmed.clear();
        lost.forEach(p -> p.confirmed().completeExceptionally(new NotConfirmed("connection to the broker lost before the confirm")));
    }

    @Override
    public void close() throws InterruptedException {
        queue.add(STOP);
        thread.join(5_000);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!unconfirmed.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        try {
            channel.close();
        } catch (IOException | RuntimeException | java.util.concurrent.TimeoutException e) {
            // already closed with its connection
        }
    }
}
