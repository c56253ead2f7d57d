package org.amihes.service.rabbitmq;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.amihes.service.rest.JsonPaths;
import org.jboss.logging.Logger;

/**
 * Puts a message a consumer cannot use (not JSON, a required field missing, a wrong type) into its dead-letter queue
 * with the reason, so whoever looks at the dead letter sees why without the consumer's log. RabbitMQ's own
 * dead-lettering (a reject to the queue's dead-letter exchange) records only "rejected" in {@code x-death}, so the
 * consumer publishes a copy itself, through the default exchange straight to the dead-letter queue, waits for the
 * broker's confirm, and then acks the original: the message is settled once and never delivered again. The copy
 * keeps the body and properties and adds:
 * <ul>
 *   <li>{@value #REASON}: why it was refused, naming the field and, for JSON, the line and column;</li>
 *   <li>{@value #ORIGINAL_EXCHANGE}, {@value #ORIGINAL_ROUTING_KEY}, {@value #ORIGINAL_QUEUE}: where it came from
 *       (to republish it once fixed);</li>
 *   <li>{@value #REJECTED_BY}, {@value #REJECTED_AT}: which service refused it and when (ISO-8601).</li>
 * </ul>
 * If the copy cannot be confirmed (the broker is going away), the consumer rejects the original without requeue
 * instead: a queue with a dead-letter exchange still dead-letters it (reason then only in the log), and nothing is
 * retried forever either way.
 */
public final class DeadLetters implements AutoCloseable {

    public static final String REASON = "x-hes-reject-reason";
    public static final String ORIGINAL_EXCHANGE = "x-hes-original-exchange";
    public static final String ORIGINAL_ROUTING_KEY = "x-hes-original-routing-key";
    public static final String ORIGINAL_QUEUE = "x-hes-original-queue";
    public static final String REJECTED_BY = "x-hes-rejected-by";
    public static final String REJECTED_AT = "x-hes-rejected-at";
    /** Longer reasons are cut: a header is not a log. */
    static final int MAX_REASON = 1000;

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final long CONFIRM_TIMEOUT_MS = 5_000;

    /** A refused message, as delivered, and where its dead letter goes. */
    public record Letter(String queue, String deadLetterQueue, String exchange, String routingKey,
                         AMQP.BasicProperties properties, byte[] body) {
    }

    private final Channel channel;
    private final String rejectedBy;

    /** Opens its own channel, in confirm mode, on {@code connection}; blocking. */
    public DeadLetters(Connection connection, String rejectedBy) throws IOException {
        this.channel = connection.createChannel();
        this.channel.confirmSelect();
        this.rejectedBy = rejectedBy;
    }

    /** Publishes the dead letter and waits for the broker's confirm; blocking, never on an event loop. */
    public synchronized void send(Letter letter, String reason) throws IOException {
        AMQP.BasicProperties original = letter.properties() == null ? new AMQP.BasicProperties() : letter.properties();
        Map<String, Object> headers = new HashMap<>(original.getHeaders() == null ? Map.of() : original.getHeaders());
        headers.put(REASON, cut(reason));
        headers.put(ORIGINAL_EXCHANGE, letter.exchange() == null ? "" : letter.exchange());
        headers.put(ORIGINAL_ROUTING_KEY, letter.routingKey() == null ? "" : letter.routingKey());
        headers.put(ORIGINAL_QUEUE, letter.queue());
        headers.put(REJECTED_BY, rejectedBy);
        headers.put(REJECTED_AT, Instant.now().toString());
        AMQP.BasicProperties props = original.builder().headers(headers).deliveryMode(2).expiration(null).build();
        channel.basicPublish("", letter.deadLetterQueue(), props, letter.body());
        try {
            channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the dead letter's confirm", e);
        } catch (TimeoutException e) {
            throw new IOException("the broker did not confirm the dead letter within " + CONFIRM_TIMEOUT_MS + " ms", e);
        }
    }

    /**
     * Settles a refused delivery of {@code consumer}: its dead letter with the reason, then an ack; if the dead letter
     * cannot be confirmed, a reject without requeue. Blocking.
     */
    public void refuse(Channel consumer, long deliveryTag, Letter letter, String reason) {
        try {
            send(letter, reason);
            synchronized (consumer) {
                consumer.basicAck(deliveryTag, false);
            }
            LOG.warnf("%s: message refused to %s: %s", letter.queue(), letter.deadLetterQueue(), reason);
        } catch (IOException | RuntimeException e) {
            LOG.errorf("%s: message refused (%s) but its dead letter was not confirmed (%s); rejected to the queue's "
                    + "dead-letter exchange instead", letter.queue(), reason, e.getMessage());
            try {
                synchronized (consumer) {
                    consumer.basicReject(deliveryTag, false);
                }
            } catch (IOException | RuntimeException gone) {
                // the channel went down: the broker redelivers, and the message is refused again
            }
        }
    }

    /** Why a message could not be read, as said in {@value #REASON}: the field, and for JSON the line and column. */
    public static String reasonOf(Throwable e) {
        if (e instanceof JsonMappingException m && m.getOriginalMessage() != null
                && m.getOriginalMessage().startsWith("Unexpected end-of-input")) {
            return "not valid JSON" + at(m) + ": " + m.getOriginalMessage()
                    + (m.getPath().isEmpty() ? "" : " (in '" + JsonPaths.of(m.getPath()) + "')");
        }
        if (e instanceof JsonMappingException m && m.getCause() instanceof org.amihes.contracts.ContractViolation v) {
            String at = JsonPaths.of(m.getPath());
            return "field '" + (at.isEmpty() || at.equals("$") ? "" : at + ".") + v.field() + "': " + v.problem();
        }
        if (e instanceof org.amihes.contracts.ContractViolation v) {
            return "field '" + v.field() + "': " + v.problem();
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return "field '" + JsonPaths.of(m.getPath()) + "'" + at(m) + ": " + m.getOriginalMessage();
        }
        if (e instanceof JsonProcessingException p) {
            return "not valid JSON" + at(p) + ": " + p.getOriginalMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String at(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
    }

    private static String cut(String reason) {
        String r = reason == null ? "malformed" : reason;
        return r.length() <= MAX_REASON ? r : r.substring(0, MAX_REASON - 1) + "…";
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException | TimeoutException | RuntimeException e) {
            // closed with its connection
        }
    }
}
