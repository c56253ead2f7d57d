package org.amihes.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXReplyData;
import gurux.dlms.enums.Authentication;
import gurux.dlms.enums.Command;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.enums.Security;
import gurux.dlms.objects.enums.SecuritySuite;
import gurux.dlms.secure.GXDLMSSecureClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.NetServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The simulated meters push: each vendor's push setups reach a listener over TCP and UDP, from the meter's own address,
 * as DataNotifications that a plain Gurux client (with the meter's keys where the vendor ciphers) decodes into the
 * push setup's object list with the model's values.
 */
@Timeout(60)
class PushTest {

    static Fixture fixture;
    static NetServer tcp;
    static DatagramSocket udp;
    static final List<byte[]> tcpReceived = new CopyOnWriteArrayList<>();
    static final List<String> tcpFrom = new CopyOnWriteArrayList<>();
    static final List<byte[]> udpReceived = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        fixture = new Fixture("127.26.0.1", SimulatorOptions.DEFAULTS);
        tcp = Fixture.await(fixture.vertx.createNetServer().connectHandler(s -> {
            Buffer all = Buffer.buffer();
            s.handler(all::appendBuffer);
            s.endHandler(v -> {
                tcpReceived.add(all.getBytes());
                tcpFrom.add(s.remoteAddress().hostAddress());
            });
        }).listen(0, "127.0.0.1"));
        udp = Fixture.await(fixture.vertx.createDatagramSocket().handler(p -> udpReceived.add(p.data().getBytes()))
                .listen(0, "127.0.0.1"));
    }

    @AfterAll
    static void stop() throws Exception {
        tcp.close();
        udp.close();
        fixture.close();
    }

    @Test
    void everyVendorPushesItsScheduledObjectListWithTheModelsValues() throws Exception {
        MeterPushes pushes = fixture.simulator.pushes()
                .target(new MeterPushes.Target("127.0.0.1", tcp.actualPort(), MeterPushes.Channel.TCP));
        for (String name : VendorProfile.BUILT_IN) {
            MeterSpec meter = fixture.meter(name);
            VendorProfile profile = VendorProfile.load(name);
            tcpReceived.clear();
            tcpFrom.clear();
            MeterPushes.Pushed pushed = Fixture.await(pushes.push(meter.meterId(), VendorProfile.Trigger.SCHEDULE));
            assertThat(pushed.ciphered()).isEqualTo(!"NONE".equals(profile.securityPolicy()));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (tcpReceived.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(tcpFrom).as("from the meter's own address").containsExactly(meter.host());
            List<?> values = decode(tcpReceived.get(0), meter, profile);
            assertThat(values).hasSize(5);
            assertThat((byte[]) values.get(0)).containsExactly(0, 0, 25, 9, 0, 255);
            if (profile.energyRegisterNull()) {
                assertThat(values.get(3)).isNull();
            } else {
                assertThat(((Number) values.get(3)).longValue())
                        .isEqualTo(MeterModel.energyRaw(meter, profile, Fixture.NOW).longValueExact());
            }
        }
    }

    @Test
    void powerDownIsPushedOverUdpWithItsEventCode() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        MeterPushes pushes = fixture.simulator.pushes()
                .target(new MeterPushes.Target("127.0.0.1", udp.localAddress().port(), MeterPushes.Channel.UDP));
        udpReceived.clear();
        Fixture.await(pushes.powerDown(meter.meterId()));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (udpReceived.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        List<?> values = decode(udpReceived.get(0), meter, VendorProfile.load("aurora-ax1"));
        assertThat((byte[]) values.get(0)).containsExactly(0, 1, 25, 9, 0, 255);
        assertThat(((Number) values.get(3)).intValue()).isEqualTo(MeterEvent.POWER_DOWN);
    }

    /** As a head-end would, with nothing of the simulator's but the meter's keys (derived from the fleet seed). */
    private static List<?> decode(byte[] frame, MeterSpec meter, VendorProfile profile) throws Exception {
        InterfaceType framing = profile.framing() == VendorProfile.Framing.HDLC ? InterfaceType.HDLC : InterfaceType.WRAPPER;
        GXDLMSSecureClient client = new GXDLMSSecureClient(true, MeterPushes.PUSH_CLIENT, meter.logicalDevice(),
                Authentication.NONE, (String) null, framing);
        if (!"NONE".equals(profile.securityPolicy())) {
            MeterKeys keys = fixture.simulator.fleet().keys(meter.meterId());
            client.getCiphering().setSecuritySuite(SecuritySuite.forValue(profile.securitySuite()));
            client.getCiphering().setSecurity(Security.AUTHENTICATION_ENCRYPTION);
            client.getCiphering().setBlockCipherKey(keys.blockCipherKey());
            client.getCiphering().setAuthenticationKey(keys.authenticationKey());
        }
        GXReplyData reply = new GXReplyData();
        GXReplyData notify = new GXReplyData();
        client.getData(new GXByteBuffer(frame), reply, notify);
        assertThat(notify.getCommand()).isEqualTo(Command.DATA_NOTIFICATION);
        return (List<?>) notify.getValue();
    }
}
