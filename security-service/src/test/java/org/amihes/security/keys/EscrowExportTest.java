package org.amihes.security.keys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.MeterKeys;
import org.amihes.simulator.MeterSpec;
import org.junit.jupiter.api.Test;

/** Issue 9: escrow export of 10,000 meters' keys wrapped under a key the operator supplies (RFC 5649). */
@QuarkusTest
class EscrowExportTest {

    static final String OPERATOR_KEY = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F";

    static byte[] unwrap(String b64) throws Exception {
        Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
        kwp.init(Cipher.UNWRAP_MODE, new SecretKeySpec(HexFormat.of().parseHex(OPERATOR_KEY), "AES"));
        return kwp.unwrap(Base64.getDecoder().decode(b64), "RAW", Cipher.SECRET_KEY).getEncoded();
    }

    @Test
    void tenThousandMetersExportWrappedUnderTheOperatorsKey() throws Exception {
        Fleet fleet = KeyImportTest.fleet(10_000);
        KeyImportTest.importFile(KeyImportTest.keysFile(fleet)).statusCode(200).body("imported", equalTo(10_000));
        List<String> ids = new ArrayList<>(fleet.meters().stream().map(MeterSpec::meterId).toList());
        ids.add("NO-KEYS-" + ids.get(0));

        // every role of a person (admin) is not enough: escrow needs the role key-escrow, given to named people only
        given().contentType("application/json").body(Map.of("meterIds", ids.subList(0, 3), "wrappingKey", OPERATOR_KEY))
                .when().post("/keys/export").then().statusCode(403);
        String body = given().contentType("application/json")
                .header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.user("escrow-officer"))
                .body(Map.of("meterIds", ids, "wrappingKey", OPERATOR_KEY))
                .when().post("/keys/export").then().statusCode(200).extract().asString();
        JsonNode export = KeyImportTest.JSON.readTree(body);

        assertThat(export.get("operatorKeyCheckValue").asText())
                .isEqualTo(EscrowExport.checkValue(HexFormat.of().parseHex(OPERATOR_KEY)));
        assertThat(export.get("meters")).hasSize(10_000);
        assertThat(export.get("missing")).hasSize(1);
        assertThat(export.get("missing").get(0).asText()).isEqualTo(ids.get(10_000));
        HexFormat hex = HexFormat.of();
        for (int i : new int[] {0, 1, 2, 3, 4_999, 9_999}) { // every vendor, and the end of the stream
            JsonNode m = export.get("meters").get(i);
            MeterSpec spec = fleet.meters().get(i);
            MeterKeys expected = fleet.keys(spec);
            assertThat(m.get("meterId").asText()).isEqualTo(spec.meterId());
            assertThat(unwrap(m.get("blockCipherKey").asText())).isEqualTo(expected.blockCipherKey());
            assertThat(unwrap(m.get("authenticationKey").asText())).isEqualTo(expected.authenticationKey());
            assertThat(unwrap(m.get("masterKey").asText())).isEqualTo(expected.masterKey());
            assertThat(new String(unwrap(m.get("llsPassword").asText()))).isEqualTo(spec.llsPassword());
            assertThat(body.toLowerCase()).doesNotContain(hex.formatHex(expected.blockCipherKey()));
        }
        given().queryParam("meterId", ids.get(3)).when().get("/keys/events").then().statusCode(200)
                .body("event", hasItem("EXPORTED")).body("event", hasItem("IMPORTED"))
                .body("find { it.event == 'EXPORTED' }.actor", equalTo("escrow-officer"))
                .body("find { it.event == 'EXPORTED' }.version", equalTo(1));
    }

    @Inject
    DataSource db;

    /**
     * Issue 16: exporting the same meters twice changes no key (security.meter_key holds the same rows, byte for
     * byte, before and after), both exports unwrap to the keys the delivery carried, and each export appends one
     * EXPORTED event per key version (one version per meter here) to security.key_event.
     */
    @Test
    void exportingTwiceChangesNoKeyAndAuditsEachExport() throws Exception {
        Fleet fleet = KeyImportTest.fleet(4); // every vendor once
        KeyImportTest.importFile(KeyImportTest.keysFile(fleet)).statusCode(200).body("imported", equalTo(4));
        List<String> ids = fleet.meters().stream().map(MeterSpec::meterId).toList();
        String run = ids.get(0).substring(0, 10) + "%"; // the fleet's own prefix
        List<String> keysBefore = keyRows(run);
        assertThat(keysBefore).hasSize(4);
        assertThat(exportedEvents(run)).isZero();

        JsonNode first = export(ids);
        assertThat(exportedEvents(run)).isEqualTo(4);
        JsonNode second = export(ids);
        assertThat(exportedEvents(run)).as("the second export audited too, once per meter").isEqualTo(8);
        assertThat(keyRows(run)).as("no key, version or state changed").isEqualTo(keysBefore);

        for (JsonNode export : List.of(first, second)) {
            assertThat(export.get("meters")).hasSize(4);
            assertThat(export.get("missing")).isEmpty();
            for (int i = 0; i < 4; i++) {
                JsonNode m = export.get("meters").get(i);
                MeterSpec spec = fleet.meters().get(i);
                MeterKeys expected = fleet.keys(spec);
                assertThat(m.get("meterId").asText()).isEqualTo(spec.meterId());
                assertThat(m.get("version").asInt()).isEqualTo(1);
                assertThat(m.get("state").asText()).isEqualTo("ACTIVE");
                assertThat(unwrap(m.get("blockCipherKey").asText())).isEqualTo(expected.blockCipherKey());
                assertThat(unwrap(m.get("authenticationKey").asText())).isEqualTo(expected.authenticationKey());
                assertThat(unwrap(m.get("masterKey").asText())).isEqualTo(expected.masterKey());
                assertThat(new String(unwrap(m.get("llsPassword").asText()))).isEqualTo(spec.llsPassword());
            }
        }
    }

    static JsonNode export(List<String> ids) throws Exception {
        return KeyImportTest.JSON.readTree(given().contentType("application/json")
                .header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.user("escrow-officer"))
                .body(Map.of("meterIds", ids, "wrappingKey", OPERATOR_KEY))
                .when().post("/keys/export").then().statusCode(200).extract().asString());
    }

    static long exportedEvents(String meterIds) {
        return org.amihes.service.testing.TestDatabase.count("select count(*) from security.key_event where meter_id "
                + "like ? and event = 'EXPORTED' and actor = 'escrow-officer'", meterIds);
    }

    /** Every column of the meters' key rows, as text. */
    List<String> keyRows(String meterIds) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("select k::text from "
                + "security.meter_key k where meter_id like ? order by meter_id, version")) {
            ps.setString(1, meterIds);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    @Test
    void aWrappingKeyThatIsNotAnAesKeyIsRefused() {
        given().contentType("application/json").body(Map.of("meterIds", List.of("M1"), "wrappingKey", "0011"))
                .header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.user("escrow-officer"))
                .when().post("/keys/export").then().statusCode(400)
                .body("errors[0].field", equalTo("wrappingKey"))
                .body("errors[0].message", equalTo("must be an AES key of 16, 24 or 32 bytes in hex"));
    }
}
