package org.amihes.firmware.rest;

import static io.restassured.RestAssured.given;

import io.restassured.response.ValidatableResponse;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Test helpers: unique names per run, so reruns against the same database never collide. */
final class Images {

    private Images() {
    }

    static String uniqueIdentifier() {
        return "test-fw-" + UUID.randomUUID();
    }

    static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    static ValidatableResponse upload(String identifier, String version, byte[] content) {
        return given().contentType("application/octet-stream")
                .queryParam("identifier", identifier).queryParam("version", version)
                .queryParam("vendor", "AUR").queryParam("model", "aurora-ax1")
                .body(content)
                .when().post("/images")
                .then();
    }
}
