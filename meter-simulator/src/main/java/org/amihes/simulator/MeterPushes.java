package org.amihes.simulator;

import gurux.dlms.GXSimpleEntry;
import gurux.dlms.enums.DataType;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.enums.Security;
import gurux.dlms.enums.Unit;
import gurux.dlms.objects.GXDLMSCaptureObject;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSPushSetup;
import gurux.dlms.objects.GXDLMSRegister;
import gurux.dlms.objects.enums.SecuritySuite;
import gurux.dlms.secure.GXDLMSSecureNotify;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Meters pushing unasked (IEC 62056-6-2 push setup, class 40): each push is one DataNotification of a push setup's
 * object list, with values from {@link MeterModel} and the meter's {@link MeterState} at that moment, sent to the
 * head-end's push listener ({@link Target}) from the meter's own address (so the head-end knows who sent it), over a
 * short TCP connection or one UDP datagram per frame. Ciphered (general-glo-ciphering, the meter's global keys and
 * security suite, its own invocation counter) when the vendor's security policy is not NONE.
 */
public final class MeterPushes {

    /** The client SAP pushes are addressed to (DSMR/IDIS: the pre-established push client). */
    public static final int PUSH_CLIENT = 102;

    public enum Channel { TCP, UDP }

    /** Where meters push: the head-end's listener. */
    public record Target(String host, int port, Channel channel) {
    }

    /** Values in one push, as the meter had them (what a test expects the head-end to report). */
    public record Pushed(String meterId, VendorProfile.Trigger trigger, String pushSetup, Instant at, boolean ciphered,
                         long invocationCounter) {
    }

    private final Vertx vertx;
    private final FleetSimulator simulator;
    private final Map<String, NetClient> clients = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile Target target;
    private volatile boolean plain;
    private volatile String sourceHost;

    MeterPushes(Vertx vertx, FleetSimulator simulator) {
        this.vertx = vertx;
        this.simulator = simulator;
    }

    public MeterPushes target(Target newTarget) {
        this.target = newTarget;
        return this;
    }

    /** Pushes unciphered whatever the vendor's policy (a meter configured so): for fleets without keys anywhere. */
    public MeterPushes plain(boolean on) {
        this.plain = on;
        return this;
    }

    /**
     * Pushes leave from {@code host} instead of each meter's own address, as from meters behind NAT or whose address
     * changed since they were registered (null: each meter's own again). A loopback address here.
     */
    public MeterPushes from(String host) {
        this.sourceHost = host;
        return this;
    }

    public long sent() {
        return sent.get();
    }

    public long failed() {
        return failed.get();
    }

    /** The meter pushes the push setup {@code trigger} fires, now; completes once its frames are handed to the network. */
    public Future<Pushed> push(String meterId, VendorProfile.Trigger trigger) {
        MeterSpec spec = simulator.spec(meterId);
        Target to = target;
        if (to == null) {
            return Future.failedFuture(new IllegalStateException("no push target set"));
        }
        VendorProfile profile = simulator.profileOf(spec);
        VendorProfile.PushSetupSpec setup = profile.push().setup(trigger);
        if (setup == null) {
            return Future.failedFuture(new IllegalArgumentException(profile.name() + " has no " + trigger + " push setup"));
        }
        Instant now = simulator.model().now();
        boolean ciphered = !plain && !"NONE".equals(profile.securityPolicy());
        MeterState state = simulator.state(spec, ciphered);
        long counter = ciphered ? state.nextPushCounter() : -1;
        byte[][] frames;
        try {
            frames = frames(spec, profile, state, setup, now, ciphered, counter);
        } catch (Exception e) {
            failed.incrementAndGet();
            return Future.failedFuture(e);
        }
        String from = sourceHost != null ? sourceHost : spec.host();
        Future<Void> out = to.channel() == Channel.TCP ? sendTcp(from, to, frames) : sendUdp(from, to, frames);
        return out.map(v -> {
            sent.incrementAndGet();
            return new Pushed(meterId, trigger, setup.logicalName(), now, ciphered, counter);
        }).onFailure(e -> failed.incrementAndGet());
    }

    /** The meter loses power: its event code becomes 1 (power down) and it pushes its POWER push setup. */
    public Future<Pushed> powerDown(String meterId) {
        simulator.state(simulator.spec(meterId), false).eventCode(MeterEvent.POWER_DOWN);
        return push(meterId, VendorProfile.Trigger.POWER);
    }

    /** Power is back: event code 2 (power up), and the POWER push setup pushes. */
    public Future<Pushed> powerUp(String meterId) {
        simulator.state(simulator.spec(meterId), false).eventCode(MeterEvent.POWER_UP);
        return push(meterId, VendorProfile.Trigger.POWER);
    }

    /** Alarm bits are set in the alarm register 0.0.97.98.0.255, and the ALARM push setup pushes. */
    public Future<Pushed> raiseAlarm(String meterId, long bits) {
        simulator.state(simulator.spec(meterId), false).raiseAlarm(bits);
        return push(meterId, VendorProfile.Trigger.ALARM);
    }

    /**
     * Every meter pushes its SCHEDULE push setup every {@code period} (null: its vendor's {@code intervalSeconds}),
     * each at its own offset within the period. Returns the timer ids (cancel with {@link Vertx#cancelTimer}).
     */
    public List<Long> schedule(Duration period) {
        List<Long> timers = java.util.Collections.synchronizedList(new ArrayList<>());
        for (MeterSpec m : simulator.fleet().meters()) {
            long every = period != null ? period.toMillis()
                    : simulator.profileOf(m).push().intervalSeconds() * 1000L;
            long offset = 1 + Math.floorMod(m.meterId().hashCode(), every);
            timers.add(vertx.setTimer(offset, first -> {
                push(m.meterId(), VendorProfile.Trigger.SCHEDULE);
                timers.add(vertx.setPeriodic(every, id -> push(m.meterId(), VendorProfile.Trigger.SCHEDULE)));
            }));
        }
        return timers;
    }

    /** The frames of one push (exposed for codec tests). */
    static byte[][] frames(MeterSpec spec, VendorProfile profile, MeterState state, VendorProfile.PushSetupSpec setup,
                           Instant now, boolean ciphered, long invocationCounter) throws Exception {
        GXDLMSSecureNotify notify = new GXDLMSSecureNotify(true, PUSH_CLIENT, spec.logicalDevice(),
                profile.framing() == VendorProfile.Framing.HDLC ? InterfaceType.HDLC : InterfaceType.WRAPPER);
        notify.setMaxReceivePDUSize(profile.maxPduSize());
        if (ciphered) {
            MeterKeys keys = state.currentKeys();
            notify.getCiphering().setSecuritySuite(SecuritySuite.forValue(profile.securitySuite()));
            notify.getCiphering().setSecurity(switch (profile.securityPolicy()) {
                case "AUTHENTICATED" -> Security.AUTHENTICATION;
                case "ENCRYPTED" -> Security.ENCRYPTION;
                default -> Security.AUTHENTICATION_ENCRYPTION;
            });
            notify.getCiphering().setSystemTitle(keys.systemTitle());
            notify.getCiphering().setBlockCipherKey(keys.blockCipherKey());
            notify.getCiphering().setAuthenticationKey(keys.authenticationKey());
            notify.getCiphering().setInvocationCounter(invocationCounter);
        }
        GXDLMSPushSetup push = new GXDLMSPushSetup(setup.logicalName());
        for (String entry : setup.objects()) {
            String[] part = entry.split("/");
            GXDLMSObject object = object(Integer.parseInt(part[0]), part[1], push, spec, profile, state, now);
            push.getPushObjectList().add(new GXSimpleEntry<>(object,
                    new GXDLMSCaptureObject(Integer.parseInt(part[2]), 0)));
        }
        return notify.generatePushSetupMessages(Date.from(now), push);
    }

    /** The COSEM object behind a push object list entry, holding what the meter has now. */
    private static GXDLMSObject object(int classId, String ln, GXDLMSPushSetup push, MeterSpec spec,
                                       VendorProfile profile, MeterState state, Instant now) {
        if (classId == 40 && ln.equals(push.getLogicalName())) {
            return push;
        }
        if (classId == 8 && ln.equals(CosemObjects.CLOCK)) {
            GXDLMSClock clock = new GXDLMSClock(ln);
            clock.setTime(CosemTime.of(now.plus(state.clockOffset())));
            return clock;
        }
        if (classId == 3 && ln.equals(profile.energyObis())) {
            GXDLMSRegister energy = new GXDLMSRegister(ln);
            energy.setScaler(Math.pow(10, profile.energyScaler()));
            energy.setUnit(Unit.ACTIVE_ENERGY);
            if (!profile.energyRegisterNull()) { // the vendor's unmapped register pushes null-data, as it answers reads
                energy.setDataType(2, DataType.UINT32);
                energy.setValue(MeterModel.energyRaw(spec, profile, now).longValueExact());
            }
            return energy;
        }
        GXDLMSData data = new GXDLMSData(ln);
        switch (ln) {
            case CosemObjects.LOGICAL_DEVICE_NAME -> {
                data.setDataType(2, DataType.OCTET_STRING);
                data.setValue((profile.manufacturer() + spec.serialNumber()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            case CosemObjects.EVENT_CODE -> {
                data.setDataType(2, DataType.UINT8);
                data.setValue(state.eventCode());
            }
            case ALARM_REGISTER -> {
                data.setDataType(2, DataType.UINT32);
                data.setValue(state.alarms());
            }
            default -> throw new IllegalArgumentException(profile.name() + ": push object " + classId + "/" + ln
                    + " is not simulated");
        }
        return data;
    }

    /** Alarm register 1 (IDIS): what raised alarms the meter holds. */
    static final String ALARM_REGISTER = "0.0.97.98.0.255";

    private Future<Void> sendTcp(String from, Target to, byte[][] frames) {
        NetClient client = clients.computeIfAbsent(from, host -> vertx.createNetClient(new NetClientOptions()
                .setLocalAddress(host).setConnectTimeout(30_000).setTcpNoDelay(true)));
        Buffer all = Buffer.buffer();
        for (byte[] f : frames) {
            all.appendBytes(f);
        }
        return client.connect(to.port(), to.host()).compose(socket -> socket.write(all).compose(v -> socket.close()));
    }

    private Future<Void> sendUdp(String from, Target to, byte[][] frames) {
        var socket = vertx.createDatagramSocket(new DatagramSocketOptions());
        return socket.listen(0, from).compose(s -> {
            Future<Void> chain = Future.succeededFuture();
            for (byte[] f : frames) {
                chain = chain.compose(v -> s.send(Buffer.buffer(f), to.port(), to.host()));
            }
            return chain;
        }).onComplete(x -> socket.close());
    }

    /** Closes the TCP clients of every meter that pushed. */
    public void close() {
        clients.values().forEach(NetClient::close);
        clients.clear();
    }
}
