package org.amihes.association;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** association-service settings, prefix {@code hes}. */
@ConfigMapping(prefix = "hes")
public interface AssociationConfig {

    Sessions sessions();

    Audit audit();

    Registry registry();

    SecurityService securityService();

    Counters counters();

    Jobs jobs();

    Results results();

    Interop interop();

    Push push();

    /** The push listener: what meters send unasked (DataNotification, EventNotification), wrapper over TCP and UDP. */
    interface Push {
        /** Off: no listener is opened. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("0.0.0.0")
        String host();

        /** TCP and UDP port (IANA dlms/cosem: 4059); 0 picks a free one (tests). */
        @WithDefault("4059")
        int port();

        @WithDefault("true")
        boolean udp();

        /**
         * Notifications being deciphered, decoded, audited and published at once. Beyond it TCP connections are paused
         * (the meters' bytes wait in their socket buffers) and UDP datagrams are dropped and counted.
         */
        @WithDefault("512")
        int maxInFlight();

        /**
         * TCP connections open at the listener at once. A connection beyond it is closed as soon as it is accepted and
         * counted ({@code hes_push_connections_refused_total}): a storm of meters connecting at once holds at most this
         * many connections' memory (about 10 KB each, and a file descriptor: keep it well under the process's open-file
         * limit less {@code hes.sessions.max-concurrent}). The meter tries again at its next push.
         */
        @WithDefault("10000")
        int maxConnections();

        /** Pending TCP connections the kernel may queue for the listener (a storm of meters connecting at once). */
        @WithDefault("8192")
        int acceptBacklog();

        /** A TCP connection sending nothing for this long is closed. */
        @WithDefault("60s")
        Duration idleTimeout();

        /**
         * Push events are written to the push outbox in batches: at most this many rows in one transaction, at the
         * latest {@link #outboxDelay()} after the first (a storm of pushes is a few hundred transactions, not one each).
         */
        @WithDefault("500")
        int outboxBatch();

        @WithDefault("20ms")
        Duration outboxDelay();

        /** Push object lists per vendor ({@code push-setups.json} format) replacing the built-in ones. */
        Optional<java.nio.file.Path> setupsFile();
    }

    /** Interoperability runs (POST /interop/runs). */
    interface Interop {
        /**
         * Meters probed at once in this replica, whatever the run (each meter a job of its partition, alone with its
         * plan, one association at a time).
         */
        @WithDefault("8")
        int concurrency();

        /** The longest a GET may take to be answered (case transport.latency). */
        @WithDefault("2s")
        Duration latencyBudget();

        /** A directory of vendor declarations ({@code <vendor>.json}) beside the built-in ones of the simulated vendors. */
        java.util.Optional<java.nio.file.Path> declarationsDir();

        /** Verdicts are written in batches: at most this many at once, at the latest after {@code flushDelay}. */
        @WithDefault("100")
        int flushBatch();

        @WithDefault("200ms")
        Duration flushDelay();

        /**
         * A run started with {@code capture: true} keeps a pcap of each meter's traffic of at most this many bytes
         * (packets past it are left out, the capture says how many); stored with the meter's verdict.
         */
        @WithDefault("8388608")
        long captureMaxBytes();
    }

    interface Results {
        /** Results gathered into one broker message for at most this long (or up to 200 results). */
        @WithDefault("20ms")
        Duration batchDelay();

        /**
         * A result is recorded in PostgreSQL within this long of the meter's answer (several in one statement), before
         * its job is acked: after a crash, only jobs answered within this window reach their meter again.
         */
        @WithDefault("20ms")
        Duration recordDelay();

        /** How long recorded results answer redelivered jobs; older ones are purged every hour. */
        @WithDefault("24h")
        Duration retention();
    }

    interface Sessions {
        /** Admission control: meter sessions open at once, across every kind of work. */
        @WithDefault("1000")
        int maxConcurrent();

        /**
         * Admission control: new associations (sessions, retries included) started per second, on average, by this
         * replica; 0 for no bound. Waiting work is admitted on-demand first, then scheduled.
         */
        @WithDefault("2000")
        double newPerSecond();

        /** New associations that may start at once after a quiet spell (the token bucket's size). */
        @WithDefault("200")
        int newBurst();

        /** How long one request may wait for its answer before the meter counts as silent (NETWORK). */
        @WithDefault("5s")
        Duration responseTimeout();

        @WithDefault("5s")
        Duration connectTimeout();

        /** The largest APDU the head-end proposes to receive. */
        @WithDefault("1024")
        int maxPduSize();

        /** Event-loop contexts the sessions are spread over; 0 means one per core. */
        @WithDefault("0")
        int eventLoops();

        /**
         * Attempts at a job whose failure is transient ({@code Retry.TRANSIENT}: network, no answer), the first
         * included; a failure advised {@code ONCE} gets two at most, one advised {@code NEVER} (security, vendor,
         * protocol) one.
         */
        @WithDefault("3")
        int attempts();

        /** Pause before the second attempt, doubled before each further one, plus up to a quarter of it at random. */
        @WithDefault("2s")
        Duration retryBackoff();

        /**
         * Response timeouts adapt to each meter's measured round trips once it answered ({@code srtt + k × rttvar},
         * like TCP's retransmission timeout; {@link #responseTimeout()} until then), never below this ...
         */
        @WithDefault("2s")
        Duration adaptiveTimeoutMin();

        /** ... nor above this (a request left unanswered doubles the meter's timeout up to here). */
        @WithDefault("30s")
        Duration adaptiveTimeoutMax();

        /** How many round-trip variations above the smoothed round trip the timeout lies. */
        @WithDefault("4")
        double adaptiveTimeoutK();
    }

    Offline offline();

    /**
     * When a meter is marked offline: after {@code failures} jobs in a row failed for NETWORK reasons, the first and
     * the last at least {@code span} apart; back online at its next job that reached it. Meanwhile its next session
     * waits {@code backoff}, doubled per failed job up to {@code max-backoff}, plus up to a quarter at random.
     */
    interface Offline {
        @WithDefault("3")
        int failures();

        @WithDefault("10m")
        Duration span();

        @WithDefault("1s")
        Duration backoff();

        @WithDefault("5m")
        Duration maxBackoff();
    }

    interface Audit {
        /** The interoperability audit log, one JSON line per meter-facing operation. */
        @WithDefault("logs/interop_audit.log")
        String file();
    }

    interface Registry {
        /** A meter_registry.json imported (idempotently) at start, if set. */
        Optional<String> file();

        /** Where other services' {@code RegistrySyncRequest}s arrive (bound to the registry exchange). */
        @WithDefault("association.registry-sync")
        String syncQueue();
    }

    interface SecurityService {
        /** Base URL of security-service, which keeps invocation counters (and, later, keys) durable. */
        @WithDefault("http://localhost:8084")
        URI url();

        @WithDefault("5s")
        Duration timeout();
    }

    Keys keys();

    Commands commands();

    /** Meter commands over REST (disconnect, reconnect): their results come back through this queue. */
    interface Commands {
        @WithDefault("association.command-results")
        String resultsQueue();

        /** A command stored but not yet confirmed by the broker is published again after this long. */
        @WithDefault("10s")
        Duration republishAfter();
    }

    /** Meter credentials (keys) in memory: bounded and expiring, never written anywhere. */
    interface Keys {
        /** The most meters whose keys are held at once (least recently used dropped first). */
        @WithDefault("10000")
        int cacheSize();

        /** How long keys are held: a key rotation or profile change is seen at most this late. */
        @WithDefault("5m")
        Duration cacheTtl();
    }

    /** Invocation counters are reserved from security-service in windows and handed out from memory. */
    interface Counters {
        /** Counters per reservation: larger means fewer round trips, more counters skipped after a restart. */
        @WithDefault("1000")
        int window();

        /** Counters a session may use: a window with fewer left is replaced before the session starts. */
        @WithDefault("64")
        int headroom();
    }

    /**
     * Meter jobs arrive on partition queues bound to the consistent-hash jobs exchange ({@code
     * hes.topology.jobs-exchange}, routing key = meter id). Each partition has a single active consumer across all
     * replicas, so one meter's jobs never run in two replicas at once; a replica that stops hands its partitions to
     * a standby.
     */
    interface Jobs {
        /** Partition queues; fixed for a deployment (changing it moves meters between partitions). */
        @WithDefault("16")
        int partitions();

        /** Partition queue names: {@code <prefix>.00}, {@code <prefix>.01}, ...; the dead-letter queue {@code <prefix>.dlq}. */
        @WithDefault("association.jobs")
        String queuePrefix();

        /**
         * Unacknowledged messages (each 1 to 100 jobs) per partition; default: the job window ({@link #window()})
         * over the partitions, so even one job per message fills the window when one replica holds all partitions.
         */
        java.util.OptionalInt prefetch();

        /**
         * Jobs this replica takes out of their messages at once (running or waiting for a session); further messages
         * wait as they came, not started ({@link org.amihes.association.domain.JobWindow}; a message whose headers
         * announce its jobs is parsed only once admitted). Default: twice the session bound, at least two full
         * messages (so a full one starts while another is still running).
         */
        java.util.OptionalInt window();

        /**
         * This replica's index (0-based, e.g. a StatefulSet ordinal) among {@link #replicas()}: it subscribes first
         * to the partitions {@code p % replicas == ordinal} and to the others, as a standby, after {@link
         * #standbyDelay()}, so replicas started together share the partitions. Unset: all at once.
         */
        java.util.OptionalInt ordinal();

        @WithDefault("1")
        int replicas();

        @WithDefault("10s")
        Duration standbyDelay();

        /**
         * A message of jobs that could not be finished (its results not recorded or not confirmed: the database or
         * the broker is away) goes back to its queue after this pause, not at once, so an outage is not a busy loop.
         */
        @WithDefault("1s")
        Duration requeueDelay();

        /** How long a stopping replica lets its running sessions finish before it gives its partitions up. */
        @WithDefault("30s")
        Duration drainTimeout();
    }
}
