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
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves a {@link Fleet} over TCP: one listener per port on {@code bindHost} (0.0.0.0 accepts every 127.x.y.z),
 * the dialled local address picks the meter. One Gurux server per connection, all on Vert.x event loops.
 */
public final class FleetSimulator implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FleetSimulator.class.getName());

    private final Vertx vertx;
    private final MeterModel model;
    private final Map<String, Map<String, MeterSpec>> byPortAndHost = new ConcurrentHashMap<>();
    private final Map<String, VendorProfile> profiles = new HashMap<>();
    private final AtomicLong connections = new AtomicLong();
    private volatile Fleet fleet;
    private String deploymentId;

    private FleetSimulator(Vertx vertx, Fleet fleet, Clock clock) {
        this.vertx = vertx;
        this.model = new MeterModel(clock);
        update(fleet);
    }

    /** Starts serving {@code fleet}; {@code clock} drives every meter's data (a fixed clock makes values exact). */
    public static Future<FleetSimulator> start(Vertx vertx, Fleet fleet, Clock clock, String bindHost) {
        FleetSimulator sim = new FleetSimulator(vertx, fleet, clock);
        Set<Integer> ports = new TreeSet<>();
        fleet.meters().forEach(m -> ports.add(m.port()));
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        return vertx.deployVerticle(() -> sim.new Listener(bindHost, ports), new DeploymentOptions().setInstances(instances))
                .map(id -> {
                    sim.deploymentId = id;
                    return sim;
                });
    }

    /** Replaces the fleet (e.g. to inject a fault); connections opened afterwards see the change. */
    public void update(Fleet newFleet) {
        Map<String, Map<String, MeterSpec>> index = new HashMap<>();
        for (MeterSpec m : newFleet.meters()) {
            profiles.computeIfAbsent(m.profile(), VendorProfile::load);
            index.computeIfAbsent(String.valueOf(m.port()), k -> new HashMap<>()).put(m.host(), m);
        }
        byPortAndHost.clear();
        byPortAndHost.putAll(index);
        this.fleet = newFleet;
    }

    public Fleet fleet() {
        return fleet;
    }

    public MeterModel model() {
        return model;
    }

    public long connectionsAccepted() {
        return connections.get();
    }

    @Override
    public void close() {
        if (deploymentId != null) {
            vertx.undeploy(deploymentId).toCompletionStage().toCompletableFuture().join();
        }
    }

    private void accept(NetSocket socket) {
        connections.incrementAndGet();
        SocketAddress local = socket.localAddress();
        Map<String, MeterSpec> onPort = byPortAndHost.get(String.valueOf(local.port()));
        MeterSpec spec = onPort == null ? null : onPort.get(local.hostAddress());
        if (spec == null) {
            socket.close(); // nothing is installed at that address
            return;
        }
        switch (spec.fault()) {
            case SILENT -> socket.handler(b -> { });
            case DROP -> socket.handler(b -> socket.close());
            case NONE -> serve(socket, spec, profiles.get(spec.profile()));
        }
    }

    private void serve(NetSocket socket, MeterSpec spec, VendorProfile profile) {
        SimulatedMeter meter = new SimulatedMeter(spec, profile, model);
        socket.handler(data -> {
            byte[] reply;
            try {
                reply = meter.handleRequest(data.getBytes());
            } catch (Exception e) {
                LOG.log(Level.WARNING, "meter " + spec.meterId() + " failed on a request; closing", e);
                socket.close();
                return;
            }
            if (reply == null || reply.length == 0) {
                return; // partial frame: Gurux keeps it until the rest arrives
            }
            if (profile.responseDelayMs() > 0) {
                vertx.setTimer(profile.responseDelayMs(), t -> socket.write(Buffer.buffer(reply)));
            } else {
                socket.write(Buffer.buffer(reply));
            }
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
