package org.amihes.simulator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one meter remembers across connections: its bootloader, its disconnector, its clock setting. Kept by the
 * {@link FleetSimulator}, not by the per-connection Gurux server, and thread-safe (a meter's connections may run on
 * different event loops).
 */
final class MeterState {

    final ImageTransferState image;
    final DisconnectState disconnect;
    final CalendarState calendar = new CalendarState();
    private final AtomicLong sessions = new AtomicLong();
    /** Associations open now, as the simulator sees accepts and closes */
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    /** The most associations a client had open at once (a meter allows one association per client) */
    final AssociationOverlap overlap = new AssociationOverlap();
    /** the last invocation counter the meter accepted: a lower one is refused, as on a real meter */
    private final AtomicLong invocationCounter = new AtomicLong();
    /** Associations established (HLS: once the client's proof was accepted), by client SAP. */
    private final java.util.Map<Integer, AtomicLong> associationsByClient = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile MeterKeys keys;
    private volatile long clockOffsetMillis;

    MeterState(VendorProfile profile) {
        // a block plus the method-request framing must fit the meter's PDU
        this.image = new ImageTransferState(profile.firmwareVersion(), profile.imageBlockSize());
        this.disconnect = new DisconnectState(profile.disconnectControlMode());
    }

    private final java.util.concurrent.atomic.AtomicBoolean flakyArmed = new java.util.concurrent.atomic.AtomicBoolean(true);

    /** A FLAKY meter's next connection loses an answer again. */
    void armFlaky() {
        flakyArmed.set(true);
    }

    /** True once after each {@link #armFlaky()} (and once from the start). */
    boolean takeFlaky() {
        return flakyArmed.compareAndSet(true, false);
    }

    /** Numbers the meter's sessions (connections or UDP associations): seeds their fault sequences. */
    long nextSession() {
        return sessions.incrementAndGet();
    }

    /** A connection to the meter was accepted; returns how many associations are open now. */
    int associationOpened() {
        return open.incrementAndGet();
    }

    /** Associations open now (TCP: from the accept until the RLRE or the close). */
    int associationsOpen() {
        return open.get();
    }

    /** Released (RLRE sent) or closed, whichever came first. */
    void associationEnded() {
        open.decrementAndGet();
    }

    void associationAccepted(int clientAddress) {
        associationsByClient.computeIfAbsent(clientAddress, c -> new AtomicLong()).incrementAndGet();
    }

    long invocationCounter() {
        return invocationCounter.get();
    }

    void rememberInvocationCounter(long seen) {
        invocationCounter.accumulateAndGet(seen, Math::max);
    }

    /** After a key transfer (security setup method 2): the meter's next connections use the new keys. */
    void installCipherKeys(byte[] blockCipherKey, byte[] authenticationKey) {
        synchronized (this) {
            keys = keys.withCipherKeys(blockCipherKey, authenticationKey);
        }
    }

    /** The meter's keys now, null before its first connection derived them. */
    MeterKeys currentKeys() {
        return keys;
    }

    /** Derived once per meter: EC key generation is too slow to repeat per connection. */
    MeterKeys keys(java.util.function.Supplier<MeterKeys> derive) {
        MeterKeys k = keys;
        if (k == null) {
            synchronized (this) {
                if (keys == null) {
                    keys = derive.get();
                }
                k = keys;
            }
        }
        return k;
    }

    private final AtomicLong pushCounter = new AtomicLong();
    private volatile int eventCode;
    private final AtomicLong alarms = new AtomicLong();

    /** The invocation counter of the meter's next ciphered push (its own sending counter, never reused). */
    long nextPushCounter() {
        return pushCounter.incrementAndGet();
    }

    /** The last event the meter recorded (0.0.96.11.0.255): {@link MeterEvent#POWER_DOWN}, {@link MeterEvent#POWER_UP}. */
    int eventCode() {
        return eventCode;
    }

    void eventCode(int code) {
        eventCode = code;
    }

    /** Alarm register 1: the bits raised so far. */
    long alarms() {
        return alarms.get();
    }

    void raiseAlarm(long bits) {
        alarms.accumulateAndGet(bits, (a, b) -> a | b);
    }

    Duration clockOffset() {
        return Duration.ofMillis(clockOffsetMillis);
    }

    void setClockOffset(Duration offset) {
        clockOffsetMillis = offset.toMillis();
    }

    MeterSnapshot snapshot(String meterId) {
        return new MeterSnapshot(meterId, image.installedVersion(), image.flashWrites(), image.status(),
                image.activations(), disconnect.controlState(), disconnect.controlMode(), disconnect.relayOperations(),
                clockOffset(), sessions.get(), overlap.most(), associationsByClient.entrySet().stream().collect(
                        java.util.stream.Collectors.toUnmodifiableMap(java.util.Map.Entry::getKey, e -> e.getValue().get())),
                disconnect.methodCalls());
    }
}
