package org.amihes.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gurux.dlms.GXDLMSException;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.objects.GXDLMSDisconnectControl;
import gurux.dlms.objects.enums.ControlMode;
import gurux.dlms.objects.enums.ControlState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The disconnector follows the class 70 state machine, per meter across connections, and repeats harmlessly. */
@Timeout(20)
class DisconnectControlTest {

    static Fixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new Fixture("127.23.0.1", SimulatorOptions.DEFAULTS);
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void disconnectTwiceIsIdempotentAndModeTwoReconnectsDirectly() throws Exception {
        MeterSpec meter = fixture.meter("borealis-b7"); // control_mode 2: remote reconnect closes the relay (a)
        try (TestClient c = TestClient.lls(meter).associate()) {
            GXDLMSDisconnectControl dc = new GXDLMSDisconnectControl(CosemObjects.DISCONNECT_CONTROL);
            c.send(dc.remoteDisconnect(c.client));
            c.send(dc.remoteDisconnect(c.client));
            read(c, dc);
            assertThat(dc.getControlState()).isEqualTo(ControlState.DISCONNECTED);
            assertThat(dc.getOutputState()).isFalse();
            assertThat(dc.getControlMode()).isEqualTo(ControlMode.MODE_2);
        }
        MeterSnapshot disconnected = fixture.simulator.meterState(meter.meterId());
        assertThat(disconnected.controlState()).isEqualTo(0);
        assertThat(disconnected.relayOperations()).isEqualTo(1);

        try (TestClient c = TestClient.lls(meter).associate()) { // a later connection sees the same relay
            GXDLMSDisconnectControl dc = new GXDLMSDisconnectControl(CosemObjects.DISCONNECT_CONTROL);
            c.send(dc.remoteDisconnect(c.client));
            assertThat(fixture.simulator.meterState(meter.meterId()).relayOperations()).isEqualTo(1);
            c.send(dc.remoteReconnect(c.client));
            c.send(dc.remoteReconnect(c.client));
            read(c, dc);
            assertThat(dc.getControlState()).isEqualTo(ControlState.CONNECTED);
            assertThat(dc.getOutputState()).isTrue();
        }
        assertThat(fixture.simulator.meterState(meter.meterId()).relayOperations()).isEqualTo(2);
    }

    @Test
    void modeOneWaitsForTheCustomerAfterARemoteReconnect() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1"); // control_mode 1: remote reconnect arms the relay (d)
        try (TestClient c = TestClient.lls(meter).associate()) {
            GXDLMSDisconnectControl dc = new GXDLMSDisconnectControl(CosemObjects.DISCONNECT_CONTROL);
            c.send(dc.remoteDisconnect(c.client));
            c.send(dc.remoteReconnect(c.client));
            read(c, dc);
            assertThat(dc.getControlState()).isEqualTo(ControlState.READY_FOR_RECONNECTION);
            assertThat(dc.getOutputState()).isFalse();
        }
        assertThat(fixture.simulator.manualReconnect(meter.meterId())).isTrue();
        assertThat(fixture.simulator.manualReconnect(meter.meterId())).isFalse();
        MeterSnapshot s = fixture.simulator.meterState(meter.meterId());
        assertThat(s.controlState()).isEqualTo(1);
        assertThat(s.outputState()).isTrue();
    }

    @Test
    void publicClientMayReadButNotOperateTheDisconnector() throws Exception {
        MeterSpec meter = fixture.meter("corvus-c3");
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            GXDLMSDisconnectControl dc = new GXDLMSDisconnectControl(CosemObjects.DISCONNECT_CONTROL);
            read(c, dc);
            assertThat(dc.getControlState()).isEqualTo(ControlState.CONNECTED);
            assertThatThrownBy(() -> c.send(dc.remoteDisconnect(c.client)))
                    .isInstanceOfSatisfying(GXDLMSException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo(ErrorCode.READ_WRITE_DENIED.getValue()));
            dc.setControlMode(ControlMode.NONE);
            assertThatThrownBy(() -> c.write(dc, 4)).isInstanceOf(GXDLMSException.class);
        }
        MeterSnapshot s = fixture.simulator.meterState(meter.meterId());
        assertThat(s.controlState()).isEqualTo(1);
        assertThat(s.controlMode()).isEqualTo(1);
    }

    @Test
    void llsClientChangesTheControlMode() throws Exception {
        MeterSpec meter = fixture.meter("delta-q9");
        try (TestClient c = TestClient.lls(meter).associate()) {
            GXDLMSDisconnectControl dc = new GXDLMSDisconnectControl(CosemObjects.DISCONNECT_CONTROL);
            dc.setControlMode(ControlMode.MODE_4);
            c.write(dc, 4);
        }
        assertThat(fixture.simulator.meterState(meter.meterId()).controlMode()).isEqualTo(4);
    }

    private static void read(TestClient c, GXDLMSDisconnectControl dc) throws Exception {
        c.read(dc, 2);
        c.read(dc, 3);
        c.read(dc, 4);
    }
}
