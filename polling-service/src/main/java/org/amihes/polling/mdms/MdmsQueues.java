package org.amihes.polling.mdms;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.Map;
import org.amihes.polling.PollingConfig;
import org.jboss.logging.Logger;

/**
 * The bounded-buffer policy of the durable queues polling-service declares on the MDMS exchange (one place): a declared
 * queue keeps the newest {@code max-length} readings for {@code message-ttl}; a reading pushed out from its head or
 * expired is dead-lettered through the direct exchange {@code <exchange>.overflow} to {@code <queue>.overflow}, which
 * is bounded the same way and drops from its head beyond. Publishing never stalls on a consumer that is away (confirms
 * stay positive), nothing grows without bound, and what was pushed out can be read again from the database (the CIM
 * export). A consumer that must never lose a reading declares its own queue bound to the exchange, under its own
 * policy.
 */
final class MdmsQueues {

    private static final Logger LOG = Logger.getLogger(MdmsQueues.class);

    private MdmsQueues() {
    }

    static String overflowExchange(String exchange) {
        return exchange + ".overflow";
    }

    static String overflowQueue(String queue) {
        return queue + ".overflow";
    }

    /** The arguments of a declared queue. */
    static Map<String, Object> queueArguments(PollingConfig.Mdms.Amqp config, String queue) {
        return Map.of("x-max-length", config.maxLength(), "x-overflow", "drop-head",
                "x-message-ttl", config.messageTtl().toMillis(),
                "x-dead-letter-exchange", overflowExchange(config.exchange()), "x-dead-letter-routing-key", queue);
    }

    /** The arguments of its overflow queue: the same bound, dropped from the head beyond it. */
    static Map<String, Object> overflowArguments(PollingConfig.Mdms.Amqp config) {
        return Map.of("x-max-length", config.maxLength(), "x-overflow", "drop-head",
                "x-message-ttl", config.messageTtl().toMillis());
    }

    /**
     * Declares the exchange, each queue with its overflow queue, and binds them, each on a channel of its own: a queue
     * that exists already with other arguments (declared before this policy) is kept as it is, bound, and named in a
     * warning, instead of failing the channel everything else uses.
     */
    static void declare(Connection connection, PollingConfig.Mdms.Amqp config) throws IOException {
        try (Channel ch = open(connection)) {
            ch.exchangeDeclare(config.exchange(), "topic", true);
            ch.exchangeDeclare(overflowExchange(config.exchange()), "direct", true);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
        for (String q : config.queues()) {
            declareQueue(connection, overflowQueue(q), overflowArguments(config));
            declareQueue(connection, q, queueArguments(config, q));
            try (Channel ch = open(connection)) {
                ch.queueBind(overflowQueue(q), overflowExchange(config.exchange()), q);
                ch.queueBind(q, config.exchange(), "#");
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException(e);
            }
        }
    }

    private static void declareQueue(Connection connection, String queue, Map<String, Object> arguments) throws IOException {
        try (Channel ch = open(connection)) {
            ch.queueDeclare(queue, true, false, false, arguments);
        } catch (IOException e) {
            LOG.warnf("MDMS queue %s exists with other arguments than %s (declared before this policy, or by a consumer): "
                    + "kept as it is; delete it once to apply the bound (%s)", queue, arguments, e.getCause() == null
                    ? e.getMessage() : e.getCause().getMessage());
        } catch (java.util.concurrent.TimeoutException | com.rabbitmq.client.AlreadyClosedException e) {
            LOG.debugf("channel close after declaring %s: %s", queue, e.getMessage());
        }
    }

    private static Channel open(Connection connection) throws IOException {
        Channel ch = connection.createChannel();
        if (ch == null) {
            throw new IOException("no channel available on the MDMS publication connection");
        }
        return ch;
    }
}
