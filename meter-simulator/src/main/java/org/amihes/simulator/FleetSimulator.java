package org.amihes.simulator;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.lang.System.Logger.Level;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves a {@link Fleet} over TCP: one listener per port on {@code bindHost} (0.0.0.0 accepts every 127.x.y.z),
 * the dialled local address picks the meter. One Gurux server per connection, all on Vert.x event loops. Optionally
 * also over UDP ({@link SimulatorOptions#udp()}). What a meter must remember across connections (firmware,
 * disconnector, clock setting) is kept here, per meter ({@link #meterState}).
 */
public final class FleetSimulator implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FleetSimulator.class.getName());

    private final Vertx vertx;
    private final MeterModel model;
    private final Map<String, MeterState> states = new ConcurrentHashMap<>();
    private final Map<Integer, PublicKey> headEndKeys = new ConcurrentHashMap<>();
    private final Map<String, Faults> meterFaults = new ConcurrentHashMap<>();
    private final Map<String, java.util.Set<Long>> dropAtFlashWrites = new ConcurrentHashMap<>();
    private final Map<String, BlockDrop> dropAtDataBlocks = new ConcurrentHashMap<>();
    private final AtomicLong connections = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger fleetAssociations = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger mostFleetAssociations = new java.util.concurrent.atomic.AtomicInteger();
    private final List<String> deployments = new ArrayList<>(); // guarded by itself
    private volatile Map<String, MeterSpec> byAddress = Map.of();
    private volatile Map<String, MeterSpec> byId = Map.of();
    private volatile Fleet fleet;
    private volatile Faults fleetFaults;
    private volatile java.util.function.Consumer<String> onAccept = meterId -> { };

    private FleetSimulator(Vertx vertx, Fleet fleet, Clock clock, Faults faults) {
        this.vertx = vertx;
        this.model = new MeterModel(clock);
        this.fleetFaults = faults;
        update(fleet);
    }

    /**
     * Starts serving {@code fleet} over TCP; {@code clock} drives every meter's data (a fixed clock makes values
     * exact).
     */
    public static Future<FleetSimulator> start(Vertx vertx, Fleet fleet, Clock clock, String bindHost) {
        return start(vertx, fleet, clock, bindHost, SimulatorOptions.DEFAULTS);
    }

    /** Starts serving {@code fleet} over TCP and, if {@code options} say so, UDP. */
    public static Future<FleetSimulator> start(Vertx vertx, Fleet fleet, Clock clock, String bindHost,
                                               SimulatorOptions options) {
        FleetSimulator sim = new FleetSimulator(vertx, fleet, clock, options.faults());
        Set<Integer> ports = new TreeSet<>();
        fleet.meters().forEach(m -> ports.add(m.port()));
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        Future<FleetSimulator> started = vertx.deployVerticle(() -> sim.new Listener(bindHost, ports),
                        new DeploymentOptions().setInstances(instances))
                .map(id -> {
                    sim.deployed(id);
                    return sim;
                });
        if (options.udp()) {
            started = started.compose(s -> s.startUdp(fleet, instances, options.udpSessionIdle().toMillis()));
        }
        // a listener that failed to bind must not leave the others running
        return started.recover(failure -> sim.undeployAll().transform(r -> Future.failedFuture(failure)));
    }

    private Future<FleetSimulator> startUdp(Fleet served, int instances, long idleMillis) {
        List<List<MeterSpec>> shares = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            shares.add(new ArrayList<>());
        }
        List<MeterSpec> wrapperMeters = served.meters().stream()
                .filter(m -> profileOf(m).framing() == VendorProfile.Framing.WRAPPER).toList();
        for (int i = 0; i < wrapperMeters.size(); i++) {
            shares.get(i % instances).add(wrapperMeters.get(i));
        }
        List<Future<?>> deployed = new ArrayList<>();
        for (List<MeterSpec> share : shares) {
            if (!share.isEmpty()) {
                deployed.add(vertx.deployVerticle(new UdpListener(this, share, idleMillis)).onSuccess(this::deployed));
            }
        }
        return Future.join(deployed).map(this);
    }

    /**
     * Replaces the fleet (e.g. to inject a fault); connections opened afterwards see the change. Listeners stay
     * those opened at start: a meter on a new port or, with UDP, a new address is not served.
     */
    public void update(Fleet newFleet) {
        Map<String, MeterSpec> index = new HashMap<>();
        Map<String, MeterSpec> ids = new HashMap<>();
        for (MeterSpec m : newFleet.meters()) {
            VendorProfile.load(m.profile()); // fail now on an unknown profile, not at the first connection
            index.put(address(m.host(), m.port()), m);
            ids.put(m.meterId(), m);
        }
        Map<String, MeterSpec> before = byId; // the fleet served until now, by id (empty at start)
        for (MeterSpec m : newFleet.meters()) {
            MeterSpec old = before.get(m.meterId());
            if (m.fault() == MeterSpec.Fault.FLAKY && (old == null || old.fault() != MeterSpec.Fault.FLAKY)) {
                stateOf(m).armFlaky();
            }
        }
        byAddress = Map.copyOf(index);
        byId = Map.copyOf(ids);
        this.fleet = newFleet;
    }

    public Fleet fleet() {
        return fleet;
    }

    /** The served meter with this id (a lookup, not a scan: a state file of 100,000 meters asks for each). */
    public MeterSpec spec(String meterId) {
        MeterSpec m = byId.get(meterId);
        if (m == null) {
            throw new IllegalArgumentException("no meter " + meterId + " in the fleet");
        }
        return m;
    }

    public MeterModel model() {
        return model;
    }

    public long connectionsAccepted() {
        return connections.get();
    }

    /**
     * Associations open right now, all meters together: from the accept until the meter's release response (RLRE) or
     * the close, as {@link #associationsOpen(String)} counts per meter.
     */
    public int fleetAssociationsOpen() {
        return fleetAssociations.get();
    }

    /**
     * The most associations open at once, all meters together, since the start or the last reset: how many sessions a
     * head-end really held open, counted where the meters are.
     */
    public int mostFleetAssociationsOpen() {
        return mostFleetAssociations.get();
    }

    /** Starts {@link #mostFleetAssociationsOpen()} again from the associations open now. */
    public void resetMostFleetAssociationsOpen() {
        mostFleetAssociations.set(fleetAssociations.get());
    }

    /**
     * Tells {@code listener} the meter id of every TCP connection accepted for a meter of the fleet, as it is accepted
     * (on the simulator's event loops, so it must be thread-safe and quick): the order in which a head-end started its
     * sessions, and how many it started per second.
     */
    public void onAccept(java.util.function.Consumer<String> listener) {
        onAccept = listener;
    }

    /** Faults for every meter without its own ({@link #setFaults(String, Faults)}); applies to open sessions too. */
    public void setFaults(Faults faults) {
        fleetFaults = faults;
    }

    /** Faults for one meter, overriding the fleet-wide ones; {@code null} returns it to the fleet-wide faults. */
    public void setFaults(String meterId, Faults faults) {
        spec(meterId); // fail on an unknown meter
        if (faults == null) {
            meterFaults.remove(meterId);
        } else {
            meterFaults.put(meterId, faults);
        }
    }

    /**
     * A connection cut in the middle of an image transfer, deterministically: when the meter's flash-write counter
     * reaches one of {@code writes}, the meter closes the connection instead of answering the block that got it there
     * (the block is written, its answer never sent), once per value.
     */
    public void dropConnectionAtFlashWrites(String meterId, long... writes) {
        spec(meterId);
        java.util.Set<Long> at = ConcurrentHashMap.newKeySet();
        for (long w : writes) {
            at.add(w);
        }
        dropAtFlashWrites.put(meterId, at);
    }

    /**
     * A connection cut in the middle of a long read, deterministically: when the meter is about to send the data
     * block number {@code block} (from 1, as on the wire) of a GET response in blocks, e.g. a load profile's buffer,
     * it closes the connection instead, in its next {@code times} sessions that get there. {@code times} 0 clears it.
     */
    public void dropConnectionAtDataBlock(String meterId, long block, int times) {
        spec(meterId);
        if (times <= 0) {
            dropAtDataBlocks.remove(meterId);
        } else {
            dropAtDataBlocks.put(meterId, new BlockDrop(block, new java.util.concurrent.atomic.AtomicInteger(times)));
        }
    }

    /** Connections the meter closed at a data block ({@link #dropConnectionAtDataBlock}), since the fault was set. */
    public int dataBlockDrops(String meterId) {
        BlockDrop d = dropAtDataBlocks.get(meterId);
        return d == null ? 0 : d.dropped().get();
    }

    private record BlockDrop(long block, java.util.concurrent.atomic.AtomicInteger left,
                             java.util.concurrent.atomic.AtomicInteger dropped) {
        BlockDrop(long block, java.util.concurrent.atomic.AtomicInteger left) {
            this(block, left, new java.util.concurrent.atomic.AtomicInteger());
        }

        boolean take(long sending) {
            if (sending != block || left.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
                return false;
            }
            dropped.incrementAndGet();
            return true;
        }
    }

    /** The faults a meter's answers go through now. */
    public Faults faults(String meterId) {
        return meterFaults.getOrDefault(meterId, fleetFaults);
    }

    /** What the meter remembers across connections, now (firmware, flash writes, disconnector, clock offset). */
    /**
     * The keys a meter holds now: {@link Fleet#keys} until a key transfer replaced them. Null for a meter no one has
     * connected to yet (its keys are then exactly {@code fleet().keys(meterId)}).
     */
    public MeterKeys currentKeys(String meterId) {
        MeterState state = states.get(meterId);
        return state == null ? null : state.currentKeys();
    }

    /**
     * Installs global keys as a key transfer would (test hook: the state a meter is in when its transfer happened
     * but no one heard the answer).
     */
    public void installCipherKeys(String meterId, byte[] blockCipherKey, byte[] authenticationKey) {
        MeterSpec spec = spec(meterId);
        MeterState state = stateOf(spec);
        state.keys(() -> fleet.keys(spec));
        state.installCipherKeys(blockCipherKey, authenticationKey);
    }

    /** Writes of the activity calendar's passive attributes (6 to 10) the meter took since the simulator started. */
    public long calendarWrites(String meterId) {
        MeterSpec spec = spec(meterId);
        return spec == null ? 0 : stateOf(spec).calendar.writes();
    }

    /** The passive calendar's name a client wrote, null while it is the factory calendar. */
    public String passiveCalendarName(String meterId) {
        MeterSpec spec = spec(meterId);
        return spec == null ? null : stateOf(spec).calendar.passiveName();
    }

    /** How long after a meter's last accept its {@link MeterSnapshot#mostConcurrent()} may still change. */
    public static final java.time.Duration CONCURRENCY_SETTLES = java.time.Duration.ofMillis(AssociationOverlap.GRACE_MS);

    /** How many associations the meter has open right now (see {@link MeterSnapshot#mostConcurrent()}). */
    public int associationsOpen(String meterId) {
        MeterSpec spec = spec(meterId);
        return spec == null ? 0 : stateOf(spec).associationsOpen();
    }

    public MeterSnapshot meterState(String meterId) {
        return stateOf(spec(meterId)).snapshot(meterId);
    }

    /**
     * The customer presses the meter's button: a meter ready for reconnection connects (transition e).
     *
     * @return whether the meter switched
     */
    public boolean manualReconnect(String meterId) {
        return stateOf(spec(meterId)).disconnect.manualReconnect();
    }

    @Override
    public void close() {
        if (pushes != null) {
            pushes.close();
        }
        undeployAll().toCompletionStage().toCompletableFuture().join();
    }

    private void deployed(String deploymentId) {
        synchronized (deployments) {
            deployments.add(deploymentId);
        }
    }

    private Future<Void> undeployAll() {
        List<Future<?>> undeployed = new ArrayList<>();
        synchronized (deployments) {
            deployments.forEach(id -> undeployed.add(vertx.undeploy(id)));
            deployments.clear();
        }
        return Future.join(undeployed).mapEmpty();
    }

    MeterSpec meterAt(String host, int port) {
        return byAddress.get(address(host, port));
    }

    VendorProfile profileOf(MeterSpec spec) {
        return VendorProfile.load(spec.profile());
    }

    private MeterState stateOf(MeterSpec spec) {
        return states.computeIfAbsent(spec.meterId(), id -> new MeterState(profileOf(spec)));
    }

    /** A meter's state, with its keys derived when asked (a push ciphers with them before any connection did). */
    MeterState state(MeterSpec spec, boolean withKeys) {
        MeterState state = stateOf(spec);
        if (withKeys) {
            state.keys(() -> MeterKeys.derive(fleet.seed(), spec, profileOf(spec)));
        }
        return state;
    }

    private volatile MeterPushes pushes;

    /** The fleet's pushes to a head-end's push listener (set its target first). */
    public MeterPushes pushes() {
        MeterPushes p = pushes;
        if (p == null) {
            synchronized (this) {
                if (pushes == null) {
                    pushes = new MeterPushes(vertx, this);
                }
                p = pushes;
            }
        }
        return p;
    }

    /** A Gurux server and a fault sequence for one TCP connection or UDP association to {@code spec}. */
    Connection newConnection(MeterSpec spec, Vertx on) {
        VendorProfile profile = profileOf(spec);
        MeterState state = stateOf(spec);
        long session = state.nextSession();
        long seed = FaultInjector.seed(fleet.seed(), spec.meterId(), session);
        // FLAKY: its first session since it became flaky loses the answer after the AARE (over HDLC, after UA and AARE)
        // HUNG: every session associates, then answers nothing more (the connection stays open)
        boolean hung = spec.fault() == MeterSpec.Fault.HUNG;
        int loseAnswer = hung || (spec.fault() == MeterSpec.Fault.FLAKY && state.takeFlaky())
                ? (profile.framing() == VendorProfile.Framing.HDLC ? 2 : 1) : -1;
        MeterKeys keys = state.keys(() -> MeterKeys.derive(fleet.seed(), spec, profile));
        PublicKey headEnd = profile.securitySuite() == 0 ? null : headEndKeys.computeIfAbsent(profile.securitySuite(),
                suite -> MeterKeys.headEndSigningKey(fleet.seed(), suite).getPublic());
        return new Connection(new SimulatedMeter(spec, profile, model, state, keys, headEnd),
                new FaultInjector(on, seed, profile, () -> faults(spec.meterId()), loseAnswer, hung));
    }

    record Connection(SimulatedMeter meter, FaultInjector faults) {
    }

    private static String address(String host, int port) {
        return host + ":" + port;
    }

    private void accept(NetSocket socket) {
        connections.incrementAndGet();
        SocketAddress local = socket.localAddress();
        MeterSpec spec = meterAt(local.hostAddress(), local.port());
        if (spec == null) {
            socket.close(); // nothing is installed at that address
            return;
        }
        mostFleetAssociations.accumulateAndGet(fleetAssociations.incrementAndGet(), Math::max);
        onAccept.accept(spec.meterId());
        switch (spec.fault()) {
            case SILENT -> {
                stateOf(spec).nextSession();
                socket.closeHandler(v -> fleetAssociations.decrementAndGet());
                socket.handler(b -> { });
            }
            case DROP -> {
                stateOf(spec).nextSession();
                socket.closeHandler(v -> fleetAssociations.decrementAndGet());
                socket.handler(b -> socket.close());
            }
            case NONE, FLAKY, HUNG -> serve(socket, spec);
        }
    }

    private void serve(NetSocket socket, MeterSpec spec) {
        Connection connection = newConnection(spec, vertx);
        // an association counts from the accept until the meter's release response (RLRE) or the close
        MeterState state = stateOf(spec);
        state.associationOpened();
        AssociationOverlap.Association association = state.overlap.opened(
                check -> vertx.setTimer(AssociationOverlap.GRACE_MS, t -> check.run()));
        java.util.concurrent.atomic.AtomicBoolean associated = new java.util.concurrent.atomic.AtomicBoolean(true);
        Runnable ended = () -> {
            if (associated.compareAndSet(true, false)) {
                fleetAssociations.decrementAndGet();
                state.associationEnded();
                association.ended();
            }
        };
        socket.closeHandler(v -> ended.run());
        VendorProfile.Framing framing = profileOf(spec).framing();
        socket.handler(data -> {
            association.request();
            byte[] reply;
            try {
                reply = connection.meter().answer(data.getBytes());
            } catch (Exception e) {
                LOG.log(Level.WARNING, "meter " + spec.meterId() + " failed on a request; closing", e);
                socket.close();
                return;
            }
            if (reply == null || reply.length == 0) {
                return; // partial frame: Gurux keeps it until the rest arrives
            }
            if (RlreLengths.isRelease(reply, framing)) {
                ended.run();
            }
            java.util.Set<Long> dropAt = dropAtFlashWrites.get(spec.meterId());
            if (dropAt != null && dropAt.remove(state.image.flashWrites())) {
                socket.close();
                return;
            }
            BlockDrop blockDrop = dropAtDataBlocks.get(spec.meterId());
            if (blockDrop != null && blockDrop.take(Frames.dataBlockNumber(reply, framing))) {
                socket.close();
                return;
            }
            connection.faults().answer(reply, out -> socket.write(Buffer.buffer(out)), socket::close);
        });
    }

    private final class Listener extends AbstractVerticle {
        private final String bindHost;
        private final Set<Integer> ports;

        Listener(String bindHost, Set<Integer> ports) {
            this.bindHost = bindHost;
            this.ports = ports;
        }

        @Override
        public void start(Promise<Void> started) {
            Future<?> all = Future.succeededFuture();
            for (int port : ports) {
                all = all.compose(v -> vertx.createNetServer(new NetServerOptions().setHost(bindHost).setPort(port)
                                .setAcceptBacklog(4096).setTcpNoDelay(true))
                        .connectHandler(FleetSimulator.this::accept)
                        .listen());
            }
            all.onComplete(r -> {
                if (r.succeeded()) {
                    started.complete();
                } else {
                    started.fail(r.cause());
                }
            });
        }
    }
}
