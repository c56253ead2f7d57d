package org.amihes.firmware.rest;

import static io.restassured.RestAssured.given;
import static org.amihes.service.testing.BadRequests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;
import java.util.stream.Stream;
import org.amihes.service.testing.BadRequests;
import org.amihes.service.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 16, "bad input": every endpoint of firmware-service × every kind of bad request answers a specific 4xx
 * problem naming the field, and stores no image (PostgreSQL, by the run's identifiers); the same bytes uploaded twice
 * are one image; an image over the 32 MB upload limit is refused before it is read. Real service, PostgreSQL, RabbitMQ.
 */
@QuarkusTest
class BadInputTest {

    static final String RUN = "bad-input-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    record Case(String name, String method, String path, String contentType, byte[] body, int status, String type,
                String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case campaign(String name, String key, String body, int status, String type, String field) {
        return new Case(name + (key == null ? "" : ""), "POST", "/campaigns", "application/json", body.getBytes(), status,
                type, field);
    }

    static Case upload(String name, String query, String contentType, byte[] body, int status, String type, String field) {
        return new Case(name, "POST", "/images" + query, contentType, body, status, type, field);
    }

    static Stream<Case> cases() {
        byte[] image = Images.randomBytes(1024);
        String octets = "application/octet-stream";
        String json = "application/json";
        String dev = "&vendor=AUR&model=aurora-ax1";
        UUID unknownImage = UUID.randomUUID();
        return Stream.of(
                upload("upload without vendor", "?identifier=" + RUN + "a&version=1&model=aurora-ax1", octets, image, 400,
                        "invalid-field", "vendor"),
                upload("upload vendor not a FLAG id", "?identifier=" + RUN + "a&version=1&vendor=aurora&model=aurora-ax1",
                        octets, image, 400, "invalid-field", "vendor"),
                upload("upload without model", "?identifier=" + RUN + "a&version=1&vendor=AUR", octets, image, 400,
                        "invalid-field", "model"),
                upload("upload model with a slash", "?identifier=" + RUN + "a&version=1&vendor=AUR&model=a/b", octets, image,
                        400, "invalid-field", "model"),
                upload("upload empty with metadata", "?identifier=" + RUN + "a&version=1" + dev, octets, new byte[0], 400,
                        "missing-body", "$"),
                campaign("campaign without key", null, "{\"imageId\":\"" + unknownImage + "\",\"meterIds\":[\"M1\"]}",
                        400, "invalid-field", "Idempotency-Key"),
                campaign("campaign unknown image", "k", "{\"imageId\":\"" + unknownImage + "\",\"meterIds\":[\"M1\"]}",
                        400, "invalid-field", "imageId"),
                campaign("campaign without image", "k", "{\"meterIds\":[\"M1\"]}", 400, "invalid-field", "imageId"),
                campaign("campaign image not a uuid", "k", "{\"imageId\":\"fw-1\",\"meterIds\":[\"M1\"]}", 400,
                        "wrong-type", "imageId"),
                campaign("campaign empty meter list", "k", "{\"imageId\":\"" + unknownImage + "\",\"meterIds\":[]}", 400,
                        "invalid-field", "meterIds"),
                campaign("campaign bad meter id", "k", "{\"imageId\":\"" + unknownImage + "\",\"meterIds\":[\"a b\"]}",
                        400, "invalid-field", "meterIds[0]"),
                campaign("campaign concurrency 0", "k", "{\"imageId\":\"" + unknownImage
                        + "\",\"meterIds\":[\"M1\"],\"concurrency\":0}", 400, "invalid-field", "concurrency"),
                campaign("campaign window not HH:MM", "k", "{\"imageId\":\"" + unknownImage
                        + "\",\"meterIds\":[\"M1\"],\"window\":{\"start\":\"25:00\",\"end\":\"04:00\"}}", 400,
                        "invalid-field", "window.start"),
                campaign("campaign unknown field", "k", "{\"imageId\":\"" + unknownImage + "\",\"meters\":[\"M1\"]}",
                        400, "unknown-field", "meters"),
                new Case("campaign unknown", "GET", "/campaigns/" + UUID.randomUUID(), null, null, 404, "not-found",
                        "campaignId"),
                new Case("campaign not an id", "GET", "/campaigns/c-1", null, null, 404, "not-found", "id"),
                new Case("pause unknown campaign", "POST", "/campaigns/" + UUID.randomUUID() + "/pause", null, null, 404,
                        "not-found", "campaignId"),
                new Case("meters of a bad state", "GET", "/campaigns/" + UUID.randomUUID() + "/meters?state=x", null, null,
                        404, "not-found", "campaignId"),
                new Case("one-shot empty", "POST", "/meters/M1/firmware?identifier=" + RUN + "a&version=1" + dev, octets,
                        new byte[0], 400, "missing-body", "$"),
                new Case("one-shot bad vendor", "POST", "/meters/M1/firmware?identifier=" + RUN + "a&version=1&vendor=x"
                        + "&model=aurora-ax1", octets, image, 400, "invalid-field", "vendor"),
                upload("upload without identifier", "?version=1.0", octets, image, 400, "invalid-field", "identifier"),
                upload("upload with blank version", "?identifier=" + RUN + "a&version=", octets, image, 400, "invalid-field", "version"),
                upload("upload identifier too long", "?identifier=" + RUN + "x".repeat(300) + "&version=1", octets, image, 400,
                        "invalid-field", "identifier"),
                upload("upload version too long", "?identifier=" + RUN + "a&version=" + "9".repeat(65), octets, image, 400,
                        "invalid-field", "version"),
                upload("upload as JSON", "?identifier=" + RUN + "a&version=1", "application/json", "{\"image\":1}".getBytes(),
                        415, "unsupported-media-type", null),
                new Case("DELETE /images", "DELETE", "/images", null, null, 405, "method-not-allowed", null),
                new Case("GET image not an id", "GET", "/images/fw-1", null, null, 404, "not-found", "id"),
                new Case("GET image unknown", "GET", "/images/" + UUID.randomUUID(), null, null, 404, "not-found", "id"),
                new Case("GET content unknown", "GET", "/images/" + UUID.randomUUID() + "/content", null, null, 404,
                        "not-found", "id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badRequestGetsASpecificProblemAndStoresNothing(Case c) {
        RequestSpecification request = given().urlEncodingEnabled(true);
        if (c.contentType() != null) {
            request.contentType(c.contentType()).body(c.body());
        }
        if (c.path().equals("/campaigns") && !c.name().equals("campaign without key")) {
            request.header("Idempotency-Key", RUN + c.name().replace(' ', '-'));
        }
        assertProblem(request.request(c.method(), c.path()).then(), c.status(), c.type(), c.field());
        assertNothingStored();
    }

    @Test
    void anImageDeclaredOverTheUploadLimitIsRefusedBeforeItIsSent() throws Exception {
        String answer = BadRequests.declareBody(RestAssured.port, "POST", "/images?identifier=" + RUN + "big&version=1&vendor=AUR&model=aurora-ax1",
                "application/octet-stream", (32L << 20) + 1, 10_000);
        assertThat(answer).startsWith("HTTP/1.1 413").contains(BadRequests.PROBLEM_JSON)
                .contains("urn:amihes:problem:payload-too-large").contains("33554432");
        String oneShot = BadRequests.declareBody(RestAssured.port, "POST", "/meters/M1/firmware?identifier=" + RUN
                + "big&version=1&vendor=AUR&model=aurora-ax1", "application/octet-stream", (32L << 20) + 1, 10_000);
        assertThat(oneShot).startsWith("HTTP/1.1 413").contains("urn:amihes:problem:payload-too-large");
        String campaign = BadRequests.declareBody(RestAssured.port, "POST", "/campaigns", "application/json",
                (16L << 20) + 1, 10_000);
        assertThat(campaign).startsWith("HTTP/1.1 413").contains("urn:amihes:problem:payload-too-large");
        assertNothingStored();
    }

    @Test
    void theSameBytesTwiceAreOneImageAndAnotherImageUnderTheSameVersionIsAConflict() {
        String identifier = "bad-input-twice-" + UUID.randomUUID();
        byte[] image = Images.randomBytes(4096);
        String id = Images.upload(identifier, "1.0", image).statusCode(201).extract().path("id");
        Images.upload(identifier, "1.0", image).statusCode(200).body("id", equalTo(id));
        assertProblem(Images.upload(identifier, "1.0", Images.randomBytes(4096)), 409, "conflict", "version");
        assertThat(TestDatabase.count("select count(*) from firmware.firmware_image where identifier = ?", identifier))
                .isEqualTo(1);
    }

    private static void assertNothingStored() {
        assertThat(TestDatabase.count("select count(*) from firmware.firmware_image where identifier like ?", RUN + "%"))
                .as("images stored by bad requests").isZero();
        assertThat(TestDatabase.count("select count(*) from firmware.campaign where idempotency_key like ?", RUN + "%"))
                .as("campaigns stored by bad requests").isZero();
    }
}
