package org.amihes.security.keys;

import static io.restassured.RestAssured.given;
import static org.amihes.security.keys.CredentialsTest.HEX;
import static org.amihes.security.keys.CredentialsTest.TOKEN;
import static org.amihes.security.keys.CredentialsTest.credentials;
import static org.amihes.security.keys.CredentialsTest.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.MeterKeys;
import org.amihes.simulator.MeterSpec;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /meters/credentials}: association-service's lookup of many meters' credentials in one request. Each
 * meter is answered as {@code GET /meters/{id}/credentials} answers it alone (refusals as its problem, in place),
 * in the order asked; keys are the meters' own (the simulator's key derivation).
 */
@QuarkusTest
class CredentialsBatchTest {

    @Test
    void eachMeterIsAnsweredAsItWouldBeAloneInTheOrderAsked() throws Exception {
        Fleet fleet = KeyImportTest.fleet(4); // aurora HLS-GMAC suite 0, borealis HLS-ECDSA suite 2, corvus LLS, delta SHA256
        KeyImportTest.importFile(KeyImportTest.keysFile(fleet)).statusCode(200);
        List<MeterSpec> meters = fleet.meters();
        List<String> profiles = List.of(profile(0, "HIGH_GMAC", "AUTHENTICATED_ENCRYPTED", null),
                profile(2, "HIGH_ECDSA", "AUTHENTICATED_ENCRYPTED", null), profile(0, "LOW", "NONE", null),
                profile(0, "HIGH_SHA256", "AUTHENTICATED", null));
        String noKeys = "no-keys-" + UUID.randomUUID().toString().substring(0, 8);
        JsonArray asked = new JsonArray();
        for (int i = 0; i < meters.size(); i++) {
            asked.add(meter(meters.get(i).meterId(), profiles.get(i)));
        }
        asked.add(meter(meters.get(0).meterId(), "no-such-profile"));
        asked.add(meter(noKeys, profiles.get(0)));
        asked.add(meter(meters.get(0).meterId(), profiles.get(1))); // contradicts the delivery
        JsonPath answer = batch(asked, TOKEN).statusCode(200).extract().jsonPath();

        assertThat(answer.getList("meters.meterId")).containsExactly(meters.get(0).meterId(), meters.get(1).meterId(),
                meters.get(2).meterId(), meters.get(3).meterId(), meters.get(0).meterId(), noKeys, meters.get(0).meterId());
        for (int i = 0; i < meters.size(); i++) {
            Map<String, Object> alone = credentials(meters.get(i).meterId(), profiles.get(i), TOKEN).statusCode(200)
                    .extract().jsonPath().getMap("");
            assertThat(answer.getMap("meters[" + i + "].credentials")).as(meters.get(i).meterId()).isEqualTo(alone);
            assertThat(answer.getMap("meters[" + i + "].problem")).isNull();
            MeterKeys keys = fleet.keys(meters.get(i).meterId());
            assertThat(answer.getString("meters[" + i + "].credentials.systemTitle"))
                    .isEqualTo(HEX.formatHex(keys.systemTitle()));
        }
        MeterKeys aurora = fleet.keys(meters.get(0).meterId());
        assertThat(answer.getString("meters[0].credentials.keys[0].blockCipherKey"))
                .isEqualTo(HEX.formatHex(aurora.blockCipherKey()));
        assertThat(answer.getString("meters[0].credentials.headEndSystemTitle"))
                .isEqualTo(HEX.formatHex(MeterKeys.HEAD_END_SYSTEM_TITLE));

        assertThat(answer.getInt("meters[4].problem.status")).isEqualTo(404);
        assertThat(answer.getString("meters[4].problem.detail")).contains("no-such-profile");
        assertThat(answer.getInt("meters[5].problem.status")).isEqualTo(404);
        assertThat(answer.getString("meters[5].problem.detail")).contains("has no active keys");
        assertThat(answer.getInt("meters[6].problem.status")).isEqualTo(409);
        assertThat(answer.getString("meters[6].problem.detail")).startsWith("DLMS-004: Security Suite Mismatch");
        for (int i = 4; i < 7; i++) {
            assertThat(answer.getMap("meters[" + i + "].credentials")).isNull();
        }
    }

    @Test
    void aThousandMetersInOneRequestEachWithItsOwnKeys() throws Exception {
        Fleet fleet = KeyImportTest.fleet(1000);
        KeyImportTest.importFile(KeyImportTest.keysFile(fleet)).statusCode(200);
        Map<String, String> profileOfVendor = Map.of("aurora-ax1", profile(0, "HIGH_GMAC", "AUTHENTICATED_ENCRYPTED", null),
                "borealis-b7", profile(2, "HIGH_ECDSA", "AUTHENTICATED_ENCRYPTED", null),
                "corvus-c3", profile(0, "LOW", "NONE", null),
                "delta-q9", profile(0, "HIGH_SHA256", "AUTHENTICATED", null));
        JsonArray asked = new JsonArray();
        fleet.meters().forEach(m -> asked.add(meter(m.meterId(), profileOfVendor.get(m.profile()))));
        JsonPath answer = batch(asked, TOKEN).statusCode(200).extract().jsonPath();
        assertThat(answer.getList("meters")).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            MeterSpec m = fleet.meters().get(i);
            assertThat(answer.getString("meters[" + i + "].meterId")).isEqualTo(m.meterId());
            assertThat(answer.getString("meters[" + i + "].credentials.systemTitle"))
                    .as(m.meterId()).isEqualTo(HEX.formatHex(fleet.keys(m.meterId()).systemTitle()));
        }
    }

    @Test
    void onlyAssociationServicesClientAndAtMostAThousandMeters() {
        JsonArray one = new JsonArray().add(meter("m1", "p1"));
        batch(one, org.amihes.service.testing.TestTokens.admin()).statusCode(403)
                .body("detail", containsString("key-consumer"));
        batch(one, null).statusCode(401);
        JsonArray tooMany = new JsonArray();
        for (int i = 0; i < 10_000; i++) {
            tooMany.add(meter("m" + i, "p1"));
        }
        batch(tooMany, TOKEN).statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem(containsString("meters")))
                .body("detail", containsString("1000"));
        batch(new JsonArray(), TOKEN).statusCode(400).body("errors.field", hasItem(containsString("meters")));
        batch(new JsonArray().add(meter("has spaces", "p1")), TOKEN).statusCode(400)
                .body("errors.field", hasItem(containsString("meterId")));
        given().header("Authorization", "Bearer " + TOKEN).contentType("application/json").body("{\"meters\": [")
                .post("/meters/credentials").then().statusCode(400).body("title", equalTo("Malformed JSON"));
    }

    private static JsonObject meter(String meterId, String profile) {
        return new JsonObject().put("meterId", meterId).put("profile", profile);
    }

    static ValidatableResponse batch(JsonArray meters, String token) {
        return given().contentType("application/json")
                .header("Authorization", token == null ? "" : "Bearer " + token).body(new JsonObject().put("meters", meters).encode()).post("/meters/credentials").then();
    }
}
