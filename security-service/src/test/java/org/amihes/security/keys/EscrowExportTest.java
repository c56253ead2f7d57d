package org.amihes.security.keys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
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

    @Test
    void aWrappingKeyThatIsNotAnAesKeyIsRefused() {
        given().contentType("application/json").body(Map.of("meterIds", List.of("M1"), "wrappingKey", "0011"))
                .header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.user("escrow-officer"))
                .when().post("/keys/export").then().statusCode(400)
                .body("errors[0].field", equalTo("wrappingKey"))
                .body("errors[0].message", equalTo("must be an AES key of 16, 24 or 32 bytes in hex"));
    }
}
