package org.amihes.association.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.amihes.association.domain.Meter;
import org.amihes.association.domain.MeterDirectory;
import org.amihes.contracts.MeterPushEvent;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.Notification;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.interop.MeterDeclaration;
import org.junit.jupiter.api.Test;

/** Naming a notification's values by the declared push object list (pure logic), and finding its sender. */
class PushEventsTest {

    static final Meter METER = new Meter("M1", "aurora-ax1", "127.0.0.9", 4059, TransportKind.TCP_WRAPPER, 16, 1,
            AuthenticationLevel.NONE);

    @Test
    void aDeclaredPushSetupNamesItsValuesAndScalesTheRegister() {
        MeterDeclaration declaration = MeterDeclaration.builtIn("aurora-ax1");
        // 0.0.25.9.0.255, logical device name, clock (absent here: null), energy raw 1234, scaler_unit {1, 30 = Wh}
        Notification n = new Notification(Notification.Kind.DATA_NOTIFICATION, false, null, -1, null,
                java.util.Arrays.asList(new byte[] {0, 0, 25, 9, 0, (byte) 255}, "AUR1".getBytes(), null, 1234L,
                        List.of((byte) 1, 30)), null);
        MeterPushEvent e = PushEvents.event(METER, n, declaration, "TCP", Instant.EPOCH);
        assertThat(e.pushSetup()).isEqualTo("0.0.25.9.0.255");
        assertThat(e.values().get(0).value()).isEqualTo("0.0.25.9.0.255");
        assertThat(e.values().get(1).value()).isEqualTo("41555231");
        assertThat(e.values().get(2).type()).isEqualTo("null");
        assertThat(e.values().get(3).unit()).isEqualTo("Wh");
        assertThat(e.values().get(3).scaled()).isEqualByComparingTo(new BigDecimal("12340")); // 1234 × 10^1
    }

    @Test
    void tenThousandValuesOfAnUndeclaredPushSetupArriveUnnamedInOrder() {
        List<Object> values = new ArrayList<>();
        values.add(new byte[] {0, 9, 25, 9, 0, (byte) 255});
        for (long i = 1; i < 10_000; i++) {
            values.add(i);
        }
        Notification n = new Notification(Notification.Kind.DATA_NOTIFICATION, true, new byte[8], 5, null, values, null);
        MeterPushEvent e = PushEvents.event(METER, n, MeterDeclaration.builtIn("aurora-ax1"), "UDP", Instant.EPOCH);
        assertThat(e.pushSetup()).isNull();
        assertThat(e.values()).hasSize(10_000);
        assertThat(e.values().get(9_999).value()).isEqualTo("9999");
        assertThat(e.values().get(9_999).obis()).isNull();
        assertThat(e.invocationCounter()).isEqualTo(5);
    }

    @Test
    void theSenderIsFoundByAddressAmongTenThousandMeters() {
        MeterDirectory directory = new MeterDirectory();
        for (int i = 0; i < 10_000; i++) {
            directory.put(new Meter("M" + i, "aurora-ax1", "127.20." + (i / 250) + "." + (i % 250 + 1), 4059,
                    TransportKind.TCP_WRAPPER, 16, 1, AuthenticationLevel.NONE));
        }
        // two logical devices behind one gateway address
        directory.put(new Meter("G1", "aurora-ax1", "127.30.0.1", 4059, TransportKind.TCP_WRAPPER, 16, 1,
                AuthenticationLevel.NONE));
        directory.put(new Meter("G2", "aurora-ax1", "127.30.0.1", 4059, TransportKind.TCP_WRAPPER, 16, 2,
                AuthenticationLevel.NONE));
        assertThat(directory.atAddress("127.20.39.250", 1)).extracting(Meter::meterId).containsExactly("M9999");
        assertThat(directory.atAddress("127.30.0.1", 2)).extracting(Meter::meterId).containsExactly("G2");
        assertThat(directory.atAddress("127.30.0.1", 3)).isEmpty();
        assertThat(directory.atAddress("127.99.0.1", 1)).isEmpty();
        // a meter that moved is found at its new address only
        directory.put(new Meter("M0", "aurora-ax1", "127.40.0.1", 4059, TransportKind.TCP_WRAPPER, 16, 1,
                AuthenticationLevel.NONE));
        assertThat(directory.atAddress("127.20.0.1", 1)).isEmpty();
        assertThat(directory.atAddress("127.40.0.1", 1)).extracting(Meter::meterId).containsExactly("M0");
        // two meters registered at one address (a NAT gateway forwarding two ports): both named, none chosen
        directory.put(new Meter("N2", "aurora-ax1", "127.50.0.1", 4060, TransportKind.TCP_WRAPPER, 16, 1,
                AuthenticationLevel.NONE));
        directory.put(new Meter("N1", "aurora-ax1", "127.50.0.1", 4059, TransportKind.TCP_WRAPPER, 16, 1,
                AuthenticationLevel.NONE));
        assertThat(directory.atAddress("127.50.0.1", 1)).extracting(Meter::meterId).containsExactly("N1", "N2");
        assertThat(PushIntake.unattributed("127.50.0.1", 1, directory.atAddress("127.50.0.1", 1))).isEqualTo(
                "HES-006: Push from an unattributable meter (2 meters are registered at 127.50.0.1 with logical "
                        + "device 1: N1, N2; give each its own address, or cipher its pushes with its system title)");
        assertThat(PushIntake.unattributed("127.99.0.1", 1, List.of())).isEqualTo(
                "HES-006: Push from an unknown meter (no registered meter at 127.99.0.1 with logical device 1)");
    }
}
