package org.amihes.security.keys;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The field manual's hardening, Security Suite 1 or higher: with hes.keys.minimum-suite=1, suite 0 is refused. */
@QuarkusTest
@TestProfile(MinimumSuiteTest.SuiteOneOrHigher.class)
class MinimumSuiteTest {

    public static class SuiteOneOrHigher implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hes.keys.minimum-suite", "1");
        }
    }

    @Test
    void suiteZeroProfilesAreRefusedSuiteTwoIsTaken() {
        given().contentType("application/json").body("""
                {"securitySuite": 0, "authentication": "HIGH_GMAC", "securityPolicy": "AUTHENTICATED_ENCRYPTED"}""")
                .put("/security-profiles/min-" + UUID.randomUUID()).then().statusCode(400)
                .body("type", equalTo("urn:amihes:problem:invalid-field"))
                .body("errors[0].field", equalTo("securitySuite"))
                .body("errors[0].message", containsString("below the minimum suite 1"));
        given().contentType("application/json").body("""
                {"securitySuite": 2, "authentication": "HIGH_ECDSA", "securityPolicy": "AUTHENTICATED_ENCRYPTED"}""")
                .put("/security-profiles/min-" + UUID.randomUUID()).then().statusCode(201);
    }
}
