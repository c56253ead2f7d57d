package org.amihes.security.keys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.amihes.security.hsm.HsmTestResource;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.MeterKeys;
import org.amihes.simulator.VendorProfile;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Issue 9: a vendor key delivery (the simulator's --keys-out file) imported into PostgreSQL under the HSM's master
 * key, all or nothing, idempotent, never echoed; and handed out only to the service credential.
 */
@QuarkusTest
@QuarkusTestResource(HsmTestResource.class)
public class KeyImportTest {

    static final long SEED = 42; // one head-end per test database: every delivery here carries the same head-end keys
    static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;

    @ConfigProperty(name = "quarkus.datasource.password")
    String dbPassword;

    /** {@code count} meters cycling through every vendor, with ids of their own so reruns never collide. */
    public static Fleet fleet(int count) {
        String prefix = "K" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Fleet generated = Fleet.generate(count, VendorProfile.BUILT_IN, SEED, "127.1.0.1", Fleet.DLMS_PORT);
        return new Fleet(SEED, generated.meters().stream().map(m -> m.withMeterId(prefix + m.meterId())).toList());
    }

    public static Path keysFile(Fleet fleet) throws Exception {
        Path file = Files.createTempFile("keys", ".json");
        Files.delete(file);
        fleet.writeKeys(file);
        file.toFile().deleteOnExit();
        return file;
    }

    public static ValidatableResponse importFile(Path file) {
        return given().contentType("application/json").body(file.toFile()).when().post("/keys/import").then();
    }

    @Test
    void tenThousandMetersImportOnceAndAgainChangeNothing() throws Exception {
        Fleet fleet = fleet(10_000);
        Path file = keysFile(fleet);

        String first = importFile(file).statusCode(200).body("meters", equalTo(10_000)).body("imported", equalTo(10_000))
                .body("unchanged", equalTo(0)).extract().asString();
        importFile(file).statusCode(200).body("imported", equalTo(0)).body("unchanged", equalTo(10_000))
                .body("headEndImported", equalTo(0));

        MeterKeys sample = fleet.keys(fleet.meters().get(7).meterId());
        String cipherKey = HexFormat.of().formatHex(sample.blockCipherKey());
        assertThat(first.toLowerCase()).doesNotContain(cipherKey);
        try (Connection c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
             PreparedStatement s = c.prepareStatement("SELECT count(*), min(version), max(version), "
                     + "bool_and(state = 'ACTIVE'), count(DISTINCT master_key) FROM security.meter_key "
                     + "WHERE meter_id LIKE ?")) {
            s.setString(1, fleet.meters().get(0).meterId().substring(0, 10) + "%");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(10_000);
                assertThat(rs.getInt(2)).isEqualTo(1);
                assertThat(rs.getInt(3)).isEqualTo(1);
                assertThat(rs.getBoolean(4)).isTrue();
                assertThat(rs.getLong(5)).isEqualTo(1);
            }
            try (PreparedStatement w = c.prepareStatement("SELECT wrapped FROM security.meter_key WHERE meter_id = ?")) {
                w.setString(1, fleet.meters().get(7).meterId());
                try (ResultSet rs = w.executeQuery()) {
                    rs.next();
                    String stored = HexFormat.of().formatHex(rs.getBytes(1));
                    assertThat(stored).doesNotContain(cipherKey)
                            .doesNotContain(HexFormat.of().formatHex(sample.authenticationKey()));
                }
            }
        }
    }

    @Test
    void badRecordsAreNamedByLineAndFieldAndNothingIsStored() throws Exception {
        Fleet fleet = fleet(8); // aurora, borealis (suite 2), corvus (LLS), delta (HLS-SHA256), twice
        ObjectNode root = (ObjectNode) JSON.readTree(keysFile(fleet).toFile());
        ArrayNode meters = (ArrayNode) root.get("meters");
        ((ObjectNode) meters.get(1)).put("blockCipherKey", "00112233445566778899AABBCCDDEEFF"); // 16 bytes, suite 2
        ((ObjectNode) meters.get(3)).putNull("hlsSecret");                                     // HIGH_SHA256
        ((ObjectNode) meters.get(5)).put("signingPublicKey", meters.get(4).get("blockCipherKey").asText() + "AAAA");
        ((ObjectNode) meters.get(6)).put("meterId", meters.get(2).get("meterId").asText());    // listed twice
        Path file = Files.createTempFile("bad-keys", ".json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        List<String> lines = Files.readAllLines(file);

        String body = importFile(file).statusCode(400)
                .body("type", equalTo("urn:amihes:problem:invalid-field"))
                .body("errors.field", hasItem("meters[1].blockCipherKey"))
                .body("errors.field", hasItem("meters[3].hlsSecret"))
                .body("errors.field", hasItem("meters[5].signingPublicKey"))
                .body("errors.field", hasItem("meters[6].meterId"))
                .body("errors.find { it.field == 'meters[1].blockCipherKey' }.message",
                        equalTo("must be 32 bytes for security suite 2"))
                .body("errors.find { it.field == 'meters[6].meterId' }.message", containsString("listed twice"))
                .extract().asString();
        int line = given().contentType("application/json").body(file.toFile()).post("/keys/import").then()
                .extract().path("errors.find { it.field == 'meters[3].hlsSecret' }.line");
        assertThat(lines.get(line - 1)).contains("{"); // the line the record starts on
        assertThat(lines.subList(line - 1, Math.min(lines.size(), line + 3))).anyMatch(l -> l.contains(
                meters.get(3).get("meterId").asText()));
        assertThat(body).doesNotContain("00112233445566778899AABBCCDDEEFF").doesNotContain("00112233445566778899aabbccddeeff");
        given().when().get("/meters/" + fleet.meters().get(0).meterId() + "/keys").then().statusCode(404);
    }

    @Test
    void otherKeysForAStoredMeterAreARotationNotAnImport() throws Exception {
        Fleet fleet = fleet(4);
        Path file = keysFile(fleet);
        importFile(file).statusCode(200).body("imported", equalTo(4));
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        ArrayNode meters = (ArrayNode) root.get("meters");
        ((ObjectNode) meters.get(2)).put("authenticationKey", "0F".repeat(16));
        ObjectNode extra = meters.get(0).deepCopy();
        extra.put("meterId", fleet.meters().get(0).meterId() + "-new");
        meters.add(extra);
        Path changed = Files.createTempFile("changed-keys", ".json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(changed.toFile(), root);

        importFile(changed).statusCode(409)
                .body("type", equalTo("urn:amihes:problem:conflict"))
                .body("errors[0].field", equalTo("meters[2]"))
                .body("errors[0].message", containsString("already has other keys (version 1, ACTIVE)"))
                .body("errors[0].message", containsString("rotation"));
        given().when().get("/meters/" + extra.get("meterId").asText() + "/keys").then().statusCode(404);
        given().when().get("/meters/" + fleet.meters().get(2).meterId() + "/keys").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].state", equalTo("ACTIVE")).body("[0].version", equalTo(1))
                .body("[0]", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("blockCipherKey")));
    }
}
