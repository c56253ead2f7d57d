package org.amihes.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key file a fleet hands over, as a vendor's key delivery would: every meter's keys, owner-only. */
class FleetKeysFileTest {

    @TempDir
    Path dir;

    @Test
    void keyFileHoldsEachMetersKeysAndIsPrivate() throws Exception {
        Fleet fleet = Fleet.generate(4, VendorProfile.BUILT_IN, 9, "127.15.0.1", 4059);
        Path file = dir.resolve("meter_keys.json");
        fleet.writeKeys(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertThat(root.get("meters")).hasSize(4);
        for (JsonNode m : root.get("meters")) {
            MeterKeys expected = fleet.keys(m.get("meterId").asText());
            assertThat(HexFormat.of().parseHex(m.get("blockCipherKey").asText())).isEqualTo(expected.blockCipherKey());
            assertThat(HexFormat.of().parseHex(m.get("authenticationKey").asText())).isEqualTo(expected.authenticationKey());
            assertThat(HexFormat.of().parseHex(m.get("masterKey").asText())).isEqualTo(expected.masterKey());
            assertThat(HexFormat.of().parseHex(m.get("systemTitle").asText())).isEqualTo(expected.systemTitle());
            VendorProfile p = VendorProfile.load(fleet.meter(m.get("meterId").asText()).profile());
            assertThat(m.get("securitySuite").asInt()).isEqualTo(p.securitySuite());
            assertThat(m.get("blockCipherKey").asText()).hasSize(p.securitySuite() == 2 ? 64 : 32);
        }
        assertThat(root.at("/headEnd/systemTitle").asText()).isEqualTo(HexFormat.of().withUpperCase()
                .formatHex(MeterKeys.HEAD_END_SYSTEM_TITLE));
    }
}
