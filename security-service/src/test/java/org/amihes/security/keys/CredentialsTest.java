package org.amihes.security.keys;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.MeterKeys;
import org.amihes.simulator.MeterSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9: association-service's way to a meter's keys. Only its service credential gets them; the profile the
 * registry names must agree with the key delivery (else DLMS-004 naming both sides); the keys handed out are the
 * meter's (expected values from the simulator's key derivation).
 */
@QuarkusTest
class CredentialsTest {

    /** association-service's client token from the test Keycloak: the only one meter keys are for. */
    static final String TOKEN = org.amihes.service.testing.TestTokens.client("association-service");
    static final HexFormat HEX = HexFormat.of();

    Fleet fleet;

    @BeforeEach
    void importFleet() throws Exception {
        fleet = KeyImportTest.fleet(4); // aurora HLS-GMAC suite 0, borealis HLS-ECDSA suite 2, corvus LLS, delta SHA256
        KeyImportTest.importFile(KeyImportTest.keysFile(fleet)).statusCode(200);
    }

    static String profile(int suite, String authentication, String policy, Integer client) {
        String name = "cred-" + UUID.randomUUID();
        given().contentType("application/json").body("""
                {"securitySuite": %d, "authentication": "%s", "securityPolicy": "%s"%s}"""
                .formatted(suite, authentication, policy, client == null ? "" : ", \"clientAddress\": " + client))
                .put("/security-profiles/" + name).then().statusCode(201);
        return name;
    }

    static ValidatableResponse credentials(String meterId, String profile, String token) {
        var request = given();
        if (token != null) {
            request = request.header("Authorization", "Bearer " + token);
        }
        return request.queryParam("profile", profile).when().get("/meters/" + meterId + "/credentials").then();
    }

    MeterSpec meter(int index) {
        return fleet.meters().get(index);
    }

    @Test
    void onlyAssociationServicesClientGetsKeys() {
        String profile = profile(0, "HIGH_GMAC", "AUTHENTICATED_ENCRYPTED", null);
        given().header("Authorization", "").queryParam("profile", profile)
                .when().get("/meters/" + meter(0).meterId() + "/credentials").then().statusCode(401);
        credentials(meter(0).meterId(), profile, "not-" + TOKEN).statusCode(401);
        // every role of a person: authenticated, not allowed
        credentials(meter(0).meterId(), profile, org.amihes.service.testing.TestTokens.admin()).statusCode(403)
                .contentType("application/problem+json").body("type", equalTo("urn:amihes:problem:forbidden"))
                .body("detail", org.hamcrest.Matchers.containsString("key-consumer"));
        // another service's client: its tokens are not for security-service (aud), so not even authenticated here
        credentials(meter(0).meterId(), profile, org.amihes.service.testing.TestTokens.client("polling-service"))
                .statusCode(401).contentType("application/problem+json")
                .body("type", equalTo("urn:amihes:problem:unauthorized"))
                .body("detail", org.hamcrest.Matchers.containsString("does not name security-service"));
        credentials(meter(0).meterId(), profile, TOKEN).statusCode(200);
    }

    @Test
    void theKeysAreTheMetersAsTheDeliveryGaveThem() {
        MeterKeys aurora = fleet.keys(meter(0).meterId());
        String gmac = profile(0, "HIGH_GMAC", "AUTHENTICATED_ENCRYPTED", null);
        credentials(meter(0).meterId(), gmac, TOKEN).statusCode(200)
                .body("profile.clientAddress", equalTo(1))
                .body("profile.authentication", equalTo("HIGH_GMAC"))
                .body("systemTitle", equalTo(HEX.formatHex(aurora.systemTitle())))
                .body("headEndSystemTitle", equalTo(HEX.formatHex(MeterKeys.HEAD_END_SYSTEM_TITLE)))
                .body("keys", hasSize(1))
                .body("keys[0].state", equalTo("ACTIVE"))
                .body("keys[0].blockCipherKey", equalTo(HEX.formatHex(aurora.blockCipherKey())))
                .body("keys[0].authenticationKey", equalTo(HEX.formatHex(aurora.authenticationKey())))
                .body("meterSigningKey", nullValue())
                .body("headEndSigningKey", nullValue());

        MeterKeys borealis = fleet.keys(meter(1).meterId());
        String ecdsa = profile(2, "HIGH_ECDSA", "AUTHENTICATED_ENCRYPTED", null);
        Base64.Encoder b64 = Base64.getEncoder();
        credentials(meter(1).meterId(), ecdsa, TOKEN).statusCode(200)
                .body("keys[0].blockCipherKey", equalTo(HEX.formatHex(borealis.blockCipherKey())))
                .body("meterSigningKey", equalTo(b64.encodeToString(borealis.signingKey().getPublic().getEncoded())))
                .body("headEndSigningKey", equalTo(b64.encodeToString(fleet.headEndSigningKey(2).getPrivate().getEncoded())));

        String lls = profile(0, "LOW", "NONE", null);
        credentials(meter(2).meterId(), lls, TOKEN).statusCode(200)
                .body("profile.clientAddress", equalTo(32))
                .body("keys[0].llsPassword", equalTo(meter(2).llsPassword()));

        String sha = profile(0, "HIGH_SHA256", "AUTHENTICATED", null);
        credentials(meter(3).meterId(), sha, TOKEN).statusCode(200)
                .body("keys[0].hlsSecret", equalTo(HEX.formatHex(fleet.keys(meter(3).meterId()).hlsSecret())));
    }

    @Test
    void aProfileThatContradictsTheDeliveryIsDlms004NamingBothSides() {
        String ecdsa = profile(2, "HIGH_ECDSA", "AUTHENTICATED_ENCRYPTED", null);
        credentials(meter(0).meterId(), ecdsa, TOKEN).statusCode(409)
                .body("detail", containsString("DLMS-004: Security Suite Mismatch"))
                .body("detail", containsString("says HIGH_ECDSA, suite 2, AUTHENTICATED_ENCRYPTED"))
                .body("detail", containsString("the key delivery of meter " + meter(0).meterId()
                        + " says HIGH_GMAC, suite 0, AUTHENTICATED_ENCRYPTED"));
    }

    @Test
    void aSystemTitleNamesTheMetersWhoseKeysCarryItTheLatestDeliveryFirst() {
        for (MeterSpec m : fleet.meters()) {
            String title = HEX.formatHex(fleet.keys(m.meterId()).systemTitle());
            // the simulator derives titles from serial numbers, the same in every fleet this test class imports: the
            // delivery of this test (just imported) is the most recent
            given().header("Authorization", "Bearer " + TOKEN).when().get("/system-titles/" + title).then()
                    .statusCode(200)
                    .body("systemTitle", equalTo(title.toUpperCase()))
                    .body("meterIds[0]", equalTo(m.meterId()))
                    .body("meterIds.size()", org.hamcrest.Matchers.lessThanOrEqualTo(20));
        }
        given().header("Authorization", "Bearer " + TOKEN).when().get("/system-titles/5A5A5A0000000001").then()
                .statusCode(404).body("detail", containsString("no meter has system title 5A5A5A0000000001"));
        given().header("Authorization", "Bearer " + TOKEN).when().get("/system-titles/not-a-title").then()
                .statusCode(400).body("errors[0].message", containsString("16 hex digits"));
        given().header("Authorization", "Bearer " + org.amihes.service.testing.TestTokens.admin()).when()
                .get("/system-titles/5A5A5A0000000001").then().statusCode(403);
    }

    @Test
    void unknownProfileOrMeterIsNotFound() {
        String gmac = profile(0, "HIGH_GMAC", "AUTHENTICATED_ENCRYPTED", null);
        credentials(meter(0).meterId(), "no-such-profile", TOKEN).statusCode(404)
                .body("detail", containsString("no-such-profile"));
        credentials("no-keys-" + UUID.randomUUID().toString().substring(0, 8), gmac, TOKEN).statusCode(404)
                .body("detail", containsString("has no active keys"));
        given().header("Authorization", "Bearer " + TOKEN).when().get("/meters/" + meter(0).meterId() + "/credentials")
                .then().statusCode(400).body("errors[0].field", containsString("profile"));
    }
}
