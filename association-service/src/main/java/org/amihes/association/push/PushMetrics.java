package org.amihes.association.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The push listener's figures, on {@code /q/metrics}: {@code hes_push_received_total{transport}},
 * {@code hes_push_recorded_total} (committed to the push outbox, from which they are published),
 * {@code hes_push_outbox_writes_total} (the transactions that recorded them) and {@code hes_push_outbox_batch_rows}
 * (rows per transaction), {@code hes_push_rejected_total{code}}, {@code hes_push_udp_dropped_total} (datagrams dropped
 * because {@code hes.push.max-in-flight} notifications were in flight), {@code hes_push_in_flight} and its
 * high-water mark {@code hes_push_in_flight_peak}, {@code hes_push_connections} (TCP connections open; and
 * {@code _peak}), {@code hes_push_connections_refused_total} (closed at once: {@code hes.push.max-connections} open) and
 * {@code hes_push_buffered_bytes} (bytes read and not yet handled, across connections).
 */
@ApplicationScoped
public class PushMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> received = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Counter recorded;
    private final Counter outboxWrites;
    private final DistributionSummary outboxBatch;
    private final Counter udpDropped;
    private final Counter connectionsRefused;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger inFlightPeak = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger connectionsPeak = new AtomicInteger();
    private final AtomicLong bufferedBytes = new AtomicLong();
    private final AtomicLong bufferedBytesPeak = new AtomicLong();

    public PushMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.recorded = registry.counter("hes_push_recorded");
        this.outboxWrites = registry.counter("hes_push_outbox_writes");
        this.outboxBatch = DistributionSummary.builder("hes_push_outbox_batch_rows").register(registry);
        this.udpDropped = registry.counter("hes_push_udp_dropped");
        this.connectionsRefused = registry.counter("hes_push_connections_refused");
        Gauge.builder("hes_push_in_flight", inFlight, AtomicInteger::get).register(registry);
        Gauge.builder("hes_push_in_flight_peak", inFlightPeak, AtomicInteger::get).register(registry);
        Gauge.builder("hes_push_connections", connections, AtomicInteger::get).register(registry);
        Gauge.builder("hes_push_connections_peak", connectionsPeak, AtomicInteger::get).register(registry);
        Gauge.builder("hes_push_buffered_bytes", bufferedBytes, AtomicLong::get).register(registry);
        Gauge.builder("hes_push_buffered_bytes_peak", bufferedBytesPeak, AtomicLong::get).register(registry);
    }

    void received(String transport) {
        received.computeIfAbsent(transport, t -> registry.counter("hes_push_received", "transport", t)).increment();
    }

    void recorded() {
        recorded.increment();
    }

    /** One transaction wrote {@code rows} push events to the outbox. */
    void outboxWrite(int rows) {
        outboxWrites.increment();
        outboxBatch.record(rows);
    }

    void rejected(String code) {
        rejected.computeIfAbsent(code, c -> registry.counter("hes_push_rejected", "code", c)).increment();
    }

    void udpDropped() {
        udpDropped.increment();
    }

    /** Takes an in-flight slot if fewer than {@code max} are taken. */
    boolean tryAcquire(int max) {
        while (true) {
            int now = inFlight.get();
            if (now >= max) {
                return false;
            }
            if (inFlight.compareAndSet(now, now + 1)) {
                inFlightPeak.accumulateAndGet(now + 1, Math::max);
                return true;
            }
        }
    }

    void release() {
        inFlight.decrementAndGet();
    }

    /** Counts a new TCP connection in if fewer than {@code max} are open; else counts it refused. */
    boolean tryConnection(int max) {
        while (true) {
            int now = connections.get();
            if (now >= max) {
                connectionsRefused.increment();
                return false;
            }
            if (connections.compareAndSet(now, now + 1)) {
                connectionsPeak.accumulateAndGet(now + 1, Math::max);
                return true;
            }
        }
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    void buffered(long delta) {
        long now = bufferedBytes.addAndGet(delta);
        if (delta > 0) {
            bufferedBytesPeak.accumulateAndGet(now, Math::max);
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int inFlightPeak() {
        return inFlightPeak.get();
    }

    public long bufferedBytesPeak() {
        return bufferedBytesPeak.get();
    }

    public int connections() {
        return connections.get();
    }

    public int connectionsPeak() {
        return connectionsPeak.get();
    }

    public double connectionsRefusedCount() {
        return connectionsRefused.count();
    }

    public double recordedCount() {
        return recorded.count();
    }

    public double outboxWriteCount() {
        return outboxWrites.count();
    }

    public double udpDroppedCount() {
        return udpDropped.count();
    }

    public double receivedCount(String transport) {
        Counter c = received.get(transport);
        return c == null ? 0 : c.count();
    }

    public double rejectedCount(String code) {
        Counter c = rejected.get(code);
        return c == null ? 0 : c.count();
    }
}
