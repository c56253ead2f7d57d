package org.amihes.polling;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** polling-service settings, prefix {@code hes}. */
@ConfigMapping(prefix = "hes")
public interface PollingConfig {

    Ingest ingest();

    RegistryView registryView();

    Schedules schedules();

    Mdms mdms();

    interface Schedules {
        /** How often each replica looks for due schedules. */
        @WithDefault("1s")
        Duration tick();

        /** This replica's name in the fire history (default: the host name and the process id). */
        java.util.Optional<String> replica();
    }

    interface Mdms {
        Amqp amqp();

        Mqtt mqtt();

        /** Outbox rows (each up to 500 readings) published per pass and channel (one confirm wait per pass). */
        @WithDefault("4")
        int batchSize();

        /** A pass runs at least this often (and right after readings were stored). */
        @WithDefault("1s")
        Duration interval();

        /** The channels the outbox is written for: a disabled channel gets no rows. */
        default java.util.List<String> enabledChannels() {
            java.util.List<String> out = new java.util.ArrayList<>();
            if (amqp().enabled()) {
                out.add(org.amihes.polling.mdms.MdmsChannels.AMQP);
            }
            if (mqtt().enabled()) {
                out.add(org.amihes.polling.mdms.MdmsChannels.MQTT);
            }
            return out;
        }

        interface Amqp {
            @WithDefault("true")
            boolean enabled();

            /** The topic exchange readings are published to (routing key {@code reading.<kind>.<obis>}). */
            @WithDefault("mdms.readings")
            String exchange();

            /**
             * Durable queues this service declares and binds to the exchange (routing key {@code #}), so that a
             * consumer that was never connected yet, or is down, finds every reading when it comes.
             */
            @WithDefault("mdms.readings")
            java.util.List<String> queues();

            /**
             * The bound of each declared queue: it keeps the newest this many messages (each up to 500 readings:
             * 4,000 hold up to 2,000,000); older ones move to its overflow queue {@code <queue>.overflow}
             * (dead-lettered, drop-head), bounded the same way.
             */
            @WithDefault("4000")
            int maxLength();

            /** A reading older than this in a declared queue moves to its overflow queue (and leaves that after as long). */
            @WithDefault("P7D")
            Duration messageTtl();

            /** How often the depth of the declared queues and their overflow queues is sampled for the metric. */
            @WithDefault("10s")
            Duration depthEvery();
        }

        interface Mqtt {
            @WithDefault("true")
            boolean enabled();

            @WithDefault("127.0.0.1")
            String host();

            @WithDefault("1883")
            int port();

            /** TLS (port 8883 in production); the broker's certificate is checked against {@code trust-pem}. */
            @WithDefault("false")
            boolean tls();

            /** PEM file of the CA that signed the broker's certificate (TLS only; default: the JDK's trust). */
            java.util.Optional<String> trustPem();

            java.util.Optional<String> username();

            java.util.Optional<String> password();

            /**
             * The session's client id, one per replica (two replicas with one id would keep taking the session from
             * each other); default {@code amihes-polling-<host>}. Clean session false: the broker keeps the session.
             */
            java.util.Optional<String> clientId();

            /** Readings go to {@code <prefix>/<kind>/<meterId>} with QoS 1. */
            @WithDefault("hes/readings")
            String topicPrefix();

            /** PUBLISHes awaiting their PUBACK at once. */
            @WithDefault("500")
            int maxInflight();
        }
    }

    interface RegistryView {
        /** The durable queue of registry events this service's meter view is kept from. */
        @WithDefault("polling.meter-registry")
        String queue();
    }

    interface Ingest {
        /** Result messages (each a batch of up to 200 results) written per transaction. */
        @WithDefault("20")
        int batchSize();

        /** A partial batch is written after this long. */
        @WithDefault("50ms")
        Duration maxDelay();

        /** Result messages whose transaction failed (the database is away) go back to the queue after this pause. */
        @WithDefault("1s")
        Duration retryDelay();
    }
}
