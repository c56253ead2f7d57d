package org.amihes.firmware.rest;

import static io.restassured.RestAssured.given;
import static org.amihes.firmware.rest.Images.randomBytes;
import static org.amihes.firmware.rest.Images.uniqueIdentifier;
import static org.amihes.firmware.rest.Images.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.amihes.service.digest.Sha256;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ImageResourceTest {

    @Test
    void firstUploadCreatesAndRepeatAnswersTheSameImage() {
        String identifier = uniqueIdentifier();
        byte[] content = randomBytes(4096);

        String id = upload(identifier, "1.0.0", content)
                .statusCode(201)
                .body("identifier", equalTo(identifier))
                .body("version", equalTo("1.0.0"))
                .body("size", equalTo(4096))
                .body("sha256", equalTo(Sha256.hex(content)))
                .body("createdAt", notNullValue())
                .extract().path("id");

        upload(identifier, "1.0.0", content)
                .statusCode(200)
                .body("id", equalTo(id));

        given().queryParam("identifier", identifier).when().get("/images").then()
                .statusCode(200)
                .body("$", hasSize(1))
                .body("[0].id", equalTo(id));
        given().when().get("/images").then()
                .statusCode(200)
                .body("id", hasItem(id));
    }

    @Test
    void locationPointsAtTheNewImage() {
        String identifier = uniqueIdentifier();
        ExtractableResponse<Response> created = upload(identifier, "2", randomBytes(64)).statusCode(201).extract();
        String id = created.path("id");

        assertThat(created.header("Location")).endsWith("/images/" + id);
        given().when().get(created.header("Location")).then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("identifier", equalTo(identifier));
    }

    @Test
    void sameNameWithDifferentBytesIsAConflict() {
        String identifier = uniqueIdentifier();
        upload(identifier, "1.0.0", randomBytes(128)).statusCode(201);

        upload(identifier, "1.0.0", randomBytes(128))
                .statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString(identifier))
                .body("detail", containsString("different content"));

        given().queryParam("identifier", identifier).when().get("/images").then().body("$", hasSize(1));
    }

    @Test
    void sameBytesUnderAnotherNameIsAConflict() {
        String identifier = uniqueIdentifier();
        byte[] content = randomBytes(128);
        String id = upload(identifier, "1.0.0", content).statusCode(201).extract().path("id");

        upload(identifier, "1.0.1", content)
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString(id));
    }

    @Test
    void identicalUploadsRacingEachOtherStoreOneImage() throws Exception {
        String identifier = uniqueIdentifier();
        byte[] content = randomBytes(1024);
        Callable<ExtractableResponse<Response>> call = () -> upload(identifier, "1", content).extract();
        List<Future<ExtractableResponse<Response>>> futures = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (int i = 0; i < 6; i++) {
                futures.add(pool.submit(call));
            }
            List<Integer> statuses = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (Future<ExtractableResponse<Response>> f : futures) {
                statuses.add(f.get().statusCode());
                ids.add(f.get().path("id"));
            }
            assertThat(statuses).containsOnly(200, 201).containsOnlyOnce(201);
            assertThat(ids).doesNotContainNull().containsOnly(ids.get(0));
        } finally {
            pool.shutdownNow();
        }
        given().queryParam("identifier", identifier).when().get("/images").then().body("$", hasSize(1));
    }

    @Test
    void contentRoundTripsByteForByte() {
        // every byte value, plus enough random bytes to span several network reads
        byte[] content = new byte[300_000];
        for (int i = 0; i < 256; i++) {
            content[i] = (byte) i;
        }
        System.arraycopy(randomBytes(content.length - 256), 0, content, 256, content.length - 256);
        String id = upload(uniqueIdentifier(), "1.0.0", content).statusCode(201).extract().path("id");

        byte[] downloaded = given().when().get("/images/" + id + "/content").then()
                .statusCode(200)
                .contentType("application/octet-stream")
                .extract().asByteArray();

        assertThat(downloaded).hasSameSizeAs(content).isEqualTo(content);
    }

    @Test
    void missingIdentifierIsNamed() {
        given().contentType("application/octet-stream").queryParam("version", "1").body(randomBytes(8))
                .when().post("/images").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItem("identifier"));
    }

    @Test
    void missingVersionIsNamed() {
        given().contentType("application/octet-stream").queryParam("identifier", uniqueIdentifier())
                .body(randomBytes(8))
                .when().post("/images").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("version"));
    }

    @Test
    void emptyBodyIsRejected() {
        String identifier = uniqueIdentifier();
        upload(identifier, "1", new byte[0])
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", containsString("empty"));

        given().queryParam("identifier", identifier).when().get("/images").then().body("$", hasSize(0));
    }

    @Test
    void unknownImageIsNotFound() {
        String id = UUID.randomUUID().toString();
        given().when().get("/images/" + id).then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("detail", containsString(id));
        given().when().get("/images/" + id + "/content").then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
    }

    @Test
    void malformedIdIsNotFound() {
        given().when().get("/images/not-a-uuid").then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
    }
}
