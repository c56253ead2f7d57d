package org.amihes.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SimulatorMainTest {

    @Test
    void acceptsTheFaultAndUdpOptions() {
        assertThat(SimulatorMain.parse(new String[] {"--udp", "true", "--latency-ms", "100", "--jitter-ms", "20",
                "--drop", "0.01", "--loss", "0.01", "--malformed", "0.001"}))
                .containsEntry("udp", "true").containsEntry("jitter-ms", "20").containsEntry("malformed", "0.001");
    }

    @Test
    void refusesAnUnknownOption() {
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--latency", "100"}))
                .hasMessageContaining("unknown option --latency");
    }

    @Test
    void refusesAProbabilityAboveOne() {
        assertThatThrownBy(() -> Faults.NONE.withLoss(1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyBuiltInProfileLoadsWithItsLoadProfileAndFirmware() {
        for (String name : VendorProfile.BUILT_IN) {
            VendorProfile p = VendorProfile.load(name);
            assertThat(p.loadProfileObis()).matches("1\\.0\\.99\\.[12]\\.0\\.255");
            assertThat(p.firmwareVersion()).startsWith(p.manufacturer() + "-");
            assertThat(86_400 % p.loadProfileCaptureSeconds()).isZero();
        }
    }
}
