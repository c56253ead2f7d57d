package org.amihes.security.rest;

import static io.restassured.RestAssured.given;
import static org.amihes.security.rest.Profiles.json;
import static org.amihes.security.rest.Profiles.post;
import static org.amihes.security.rest.Profiles.put;
import static org.amihes.security.rest.Profiles.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SecurityProfileResourceTest {

    @Test
    void createThenGet() {
        String name = uniqueName();
        post(json(name, 0, "HIGH_GMAC", "AUTHENTICATED_ENCRYPTED"))
                .statusCode(201)
                .header("Location", endsWith("/security-profiles/" + name))
                .body("name", equalTo(name))
                .body("securitySuite", equalTo(0))
                .body("authentication", equalTo("HIGH_GMAC"))
                .body("securityPolicy", equalTo("AUTHENTICATED_ENCRYPTED"))
                .body("version", equalTo(1))
                .body("updatedAt", notNullValue());

        given().when().get("/security-profiles/" + name).then()
                .statusCode(200)
                .body("authentication", equalTo("HIGH_GMAC"))
                .body("version", equalTo(1));
        given().when().get("/security-profiles").then()
                .statusCode(200)
                .body("name", hasItem(name));
    }

    @Test
    void repeatingACreateIsIdempotent() {
        String name = uniqueName();
        String body = json(name, 1, "HIGH_ECDSA", "AUTHENTICATED");
        String updatedAt = post(body).statusCode(201).extract().path("updatedAt");

        post(body).statusCode(200)
                .body("version", equalTo(1))
                .body("updatedAt", equalTo(updatedAt));
    }

    @Test
    void createOverDifferentSettingsIsAConflict() {
        String name = uniqueName();
        post(json(name, 0, "LOW", "NONE")).statusCode(201);

        post(json(name, 0, "HIGH_GMAC", "NONE"))
                .statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString(name));

        given().when().get("/security-profiles/" + name).then().body("authentication", equalTo("LOW"));
    }

    @Test
    void putUpsertsAndRepeatsWithoutANewVersion() {
        String name = uniqueName();
        // the body may leave the name to the path
        String body = """
                {"securitySuite": 0, "authentication": "LOW", "securityPolicy": "ENCRYPTED"}""";
        put(name, body).statusCode(201).body("version", equalTo(1)).body("name", equalTo(name));
        put(name, body).statusCode(200).body("version", equalTo(1));

        String changed = json(name, 2, "HIGH_ECDSA", "AUTHENTICATED_ENCRYPTED");
        put(name, changed).statusCode(200).body("version", equalTo(2)).body("securitySuite", equalTo(2));
        put(name, changed).statusCode(200).body("version", equalTo(2));

        given().when().get("/security-profiles/" + name).then()
                .body("version", equalTo(2))
                .body("authentication", equalTo("HIGH_ECDSA"));
    }

    @Test
    void identicalPutsRacingEachOtherCreateOneVersion() throws Exception {
        String name = uniqueName();
        String body = json(name, 2, "HIGH_ECDSA", "AUTHENTICATED_ENCRYPTED");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                statuses.add(pool.submit(() -> put(name, body).extract().statusCode()));
            }
            List<Integer> answered = new ArrayList<>();
            for (Future<Integer> status : statuses) {
                answered.add(status.get());
            }
            assertThat(answered).containsOnly(200, 201).containsOnlyOnce(201);
        } finally {
            pool.shutdownNow();
        }
        given().when().get("/security-profiles/" + name).then().body("version", equalTo(1));
    }

    @Test
    void putCannotRename() {
        String name = uniqueName();
        put(name, json(uniqueName(), 0, "LOW", "NONE"))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("renamed"));
    }

    @Test
    void unknownProfileIsNotFound() {
        String name = uniqueName();
        given().when().get("/security-profiles/" + name).then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("detail", containsString(name));
    }

    @Test
    void malformedJsonIsRejected() {
        post("{\"name\": \"x\", \"securitySuite\": ")
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("title", equalTo("Malformed JSON"));
    }

    @Test
    void emptyBodyIsRejected() {
        post("")
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:amihes:problem:missing-body"))
                .body("errors.field", hasItem("$"));
        put(uniqueName(), "")
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400));
    }

    @Test
    void unknownEnumValueNamesTheField() {
        post(json(uniqueName(), 0, "MEDIUM", "NONE"))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("authentication"));
    }

    @Test
    void unknownFieldIsNamed() {
        post("""
                {"name": "%s", "securitySuite": 0, "authentication": "LOW", "securityPolicy": "NONE", "key": "00"}"""
                .formatted(uniqueName()))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("key"));
    }

    @Test
    void invalidNameIsNamed() {
        post(json("has space", 0, "LOW", "NONE"))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItem("name"));
    }

    @Test
    void missingNameOnCreateIsNamed() {
        post("""
                {"securitySuite": 0, "authentication": "LOW", "securityPolicy": "NONE"}""")
                .statusCode(400)
                .body("errors.field", hasItem("name"));
    }

    @Test
    void suiteOutOfRangeIsNamed() {
        post(json(uniqueName(), 3, "LOW", "NONE"))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("securitySuite"));
    }

    @Test
    void missingSettingsAreNamed() {
        post("{\"name\": \"%s\"}".formatted(uniqueName()))
                .statusCode(400)
                .body("errors.field", hasItem("securitySuite"))
                .body("errors.field", hasItem("authentication"))
                .body("errors.field", hasItem("securityPolicy"));
    }

    @Test
    void ecdsaOnSuiteZeroIsASuiteMismatch() {
        String name = uniqueName();
        post(json(name, 0, "HIGH_ECDSA", "AUTHENTICATED"))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", startsWith("DLMS-004: Security Suite Mismatch"));
        put(name, json(name, 0, "HIGH_ECDSA", "NONE"))
                .statusCode(400)
                .body("detail", startsWith("DLMS-004: Security Suite Mismatch"));

        given().when().get("/security-profiles/" + name).then().statusCode(404);
    }
}
