package org.amihes.association;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The registry API against the real PostgreSQL. */
@QuarkusTest
class MeterResourceTest {

    static String meterJson(String id, int port) {
        return """
                {"meterId":"%s","vendor":"aurora-ax1","host":"127.4.0.1","port":%d,"transport":"TCP_WRAPPER",
                 "clientAddress":16,"logicalDevice":1,"authentication":"NONE"}""".formatted(id, port);
    }

    @Test
    void registeringIsIdempotent() {
        String id = "T" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(meterJson(id, 4059)).put("/meters/" + id)
                .then().statusCode(201).body("meterId", equalTo(id));
        given().contentType(ContentType.JSON).body(meterJson(id, 4059)).put("/meters/" + id)
                .then().statusCode(200);
        given().contentType(ContentType.JSON).body(meterJson(id, 4060)).put("/meters/" + id)
                .then().statusCode(200).body("port", equalTo(4060));
        given().get("/meters/" + id).then().statusCode(200).body("port", equalTo(4060)).body("transport", equalTo("TCP_WRAPPER"));
        given().get("/meters?limit=100000").then().statusCode(200).body("meters.meterId", hasItem(id));
    }

    @Test
    void unknownMeterIs404ProblemJson() {
        given().get("/meters/NO-SUCH-METER").then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("detail", containsString("NO-SUCH-METER"));
    }

    @Test
    void malformedJsonIs400() {
        given().contentType(ContentType.JSON).body("{\"meterId\": \"X1\", \"port\": ").put("/meters/X1")
                .then().statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Malformed JSON"));
    }

    @Test
    void wrongTypeNamesTheField() {
        given().contentType(ContentType.JSON).body(meterJson("X2", 4059).replace("4059", "\"forty\""))
                .put("/meters/X2").then().statusCode(400)
                .body("errors[0].field", equalTo("port"));
        given().contentType(ContentType.JSON).body(meterJson("X2", 4059).replace("TCP_WRAPPER", "CARRIER_PIGEON"))
                .put("/meters/X2").then().statusCode(400)
                .body("errors[0].field", equalTo("transport"));
        given().contentType(ContentType.JSON).body(meterJson("X2", 4059).replace("\"vendor\"", "\"vendr\""))
                .put("/meters/X2").then().statusCode(400)
                .body("errors[0].field", equalTo("vendr"));
    }

    @Test
    void invalidValuesNameEachField() {
        given().contentType(ContentType.JSON).body(meterJson("X3", 0).replace("\"host\":\"127.4.0.1\"", "\"host\":\"\""))
                .put("/meters/X3").then().statusCode(400)
                .body("errors.field", hasItem("port"))
                .body("errors.field", hasItem("host"));
    }

    @Test
    void importRefusesDuplicatesAndStoresNothing() {
        String id = "D" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body("{\"meters\":[" + meterJson(id, 1) + "," + meterJson(id, 2) + "]}")
                .post("/meters/import").then().statusCode(400).body("detail", containsString(id));
        given().get("/meters/" + id).then().statusCode(404);
    }

    @Test
    void importIsIdempotent() {
        String a = "I" + UUID.randomUUID().toString().substring(0, 8);
        String b = "I" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"meters\":[" + meterJson(a, 1) + "," + meterJson(b, 2) + "]}";
        given().contentType(ContentType.JSON).body(body).post("/meters/import").then().statusCode(200)
                .body("created", equalTo(2)).body("unchanged", equalTo(0));
        given().contentType(ContentType.JSON).body(body).post("/meters/import").then().statusCode(200)
                .body("created", equalTo(0)).body("unchanged", equalTo(2));
    }

    @Test
    void readinessChecksDatabaseAndBroker() {
        org.amihes.service.testing.Readiness.assertReadyWithDatabaseAndRabbit("meter jobs", "job results");
    }
}
