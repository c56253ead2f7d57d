package org.amihes.security.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.Test;

/** Issue 9: security profiles set from a file, as PUT does each, idempotent; 10,000 of them; bad ones named. */
@QuarkusTest
class ProfileImportTest {

    @Test
    void theSimulatorsProfilesImportAndAgainChangeNothing() throws Exception {
        Path file = Files.createTempFile("profiles", ".json");
        Fleet.generate(8, VendorProfile.BUILT_IN, 42, "127.1.0.1", Fleet.DLMS_PORT).writeSecurityProfiles(file);
        int before = given().get("/security-profiles").then().statusCode(200).extract().path("size()");
        given().contentType("application/json").body(file.toFile()).post("/security-profiles/import").then()
                .statusCode(200);
        given().contentType("application/json").body(file.toFile()).post("/security-profiles/import").then()
                .statusCode(200).body("created", equalTo(0)).body("updated", equalTo(0)).body("unchanged", equalTo(4));
        given().get("/security-profiles/corvus-c3-management").then().statusCode(200)
                .body("authentication", equalTo("LOW")).body("clientAddress", equalTo(32));
        given().get("/security-profiles/borealis-b7-management").then().statusCode(200)
                .body("securitySuite", equalTo(2)).body("clientAddress", equalTo(1));
        org.assertj.core.api.Assertions.assertThat(before).isGreaterThanOrEqualTo(0);
    }

    @Test
    void tenThousandProfilesOneCallAndABadOneStopsAll() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Map<String, Object>> profiles = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", "bulk-" + run + "-" + i);
            p.put("authentication", "HIGH_GMAC");
            p.put("securitySuite", 0);
            p.put("securityPolicy", "AUTHENTICATED_ENCRYPTED");
            profiles.add(p);
        }
        List<Map<String, Object>> bad = new ArrayList<>(profiles);
        Map<String, Object> wrong = new LinkedHashMap<>(profiles.get(9_999));
        wrong.put("securitySuite", 7);
        bad.set(9_999, wrong);
        given().contentType("application/json").body(Map.of("profiles", bad)).post("/security-profiles/import").then()
                .statusCode(400).body("errors[0].field", equalTo("profiles[9999].securitySuite"));
        given().get("/security-profiles/bulk-" + run + "-0").then().statusCode(404);

        given().contentType("application/json").body(Map.of("profiles", profiles)).post("/security-profiles/import")
                .then().statusCode(200).body("created", equalTo(10_000));
        given().get("/security-profiles/bulk-" + run + "-9999").then().statusCode(200).body("clientAddress", equalTo(1));
    }
}
