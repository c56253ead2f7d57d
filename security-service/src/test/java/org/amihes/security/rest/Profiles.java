package org.amihes.security.rest;

import static io.restassured.RestAssured.given;

import io.restassured.response.ValidatableResponse;
import java.util.UUID;

/** Test helpers: unique names per run, so reruns against the same database never collide. */
final class Profiles {

    private Profiles() {
    }

    static String uniqueName() {
        return "test-" + UUID.randomUUID();
    }

    static String json(String name, int suite, String authentication, String policy) {
        return """
                {"name": "%s", "securitySuite": %d, "authentication": "%s", "securityPolicy": "%s"}"""
                .formatted(name, suite, authentication, policy);
    }

    static ValidatableResponse post(String body) {
        return given().contentType("application/json").body(body).when().post("/security-profiles").then();
    }

    static ValidatableResponse put(String name, String body) {
        return given().contentType("application/json").body(body).when().put("/security-profiles/" + name).then();
    }
}
