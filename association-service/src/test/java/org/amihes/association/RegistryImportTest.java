package org.amihes.association;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, defect 2: a registry of 10,000 meters imports (it used to never finish from 2,000 on), all or nothing,
 * idempotently, with bad records named by field and line. Against the real PostgreSQL.
 */
@QuarkusTest
class RegistryImportTest {

    static final int METERS = 10_000;

    /** One record per line, as the simulator writes meter_registry.json, so record i starts on line i + 2. */
    static String registry(List<String> ids, int port) {
        return "{\"meters\":[\n" + ids.stream().map(id -> MeterResourceTest.meterJson(id, port).replace("\n", ""))
                .collect(Collectors.joining(",\n")) + "\n]}";
    }

    static List<String> ids(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + String.format("%05d", i)).toList();
    }

    @Test
    void tenThousandMetersImportWholeAndAgainUnchangedAndChanged() {
        String prefix = "T" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> ids = ids(prefix, METERS);
        given().contentType(ContentType.JSON).body(registry(ids, 4059)).post("/meters/import").then().statusCode(200)
                .body("created", equalTo(METERS)).body("updated", equalTo(0)).body("unchanged", equalTo(0));
        given().contentType(ContentType.JSON).body(registry(ids, 4059)).post("/meters/import").then().statusCode(200)
                .body("created", equalTo(0)).body("updated", equalTo(0)).body("unchanged", equalTo(METERS));
        given().contentType(ContentType.JSON).body(registry(ids, 4060)).post("/meters/import").then().statusCode(200)
                .body("created", equalTo(0)).body("updated", equalTo(METERS)).body("unchanged", equalTo(0));

        // the test database keeps other tests' meters: list this test's by prefix
        JsonPath page = given().queryParam("prefix", prefix).queryParam("limit", 100_000).get("/meters")
                .then().statusCode(200).body("total", equalTo(METERS)).extract().jsonPath();
        List<String> listed = page.getList("meters.meterId");
        assertThat(listed).isEqualTo(ids);
        given().get("/meters/" + ids.get(METERS - 1)).then().statusCode(200).body("port", equalTo(4060));
    }

    @Test
    void badRecordsAreNamedByFieldAndLineAndNothingIsImported() {
        String prefix = "B" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> ids = ids(prefix, METERS);
        String body = registry(ids, 4059)
                // record 17 (line 19): a port out of range; record 4321 (line 4323): a transport that does not exist
                .replace(MeterResourceTest.meterJson(ids.get(17), 4059).replace("\n", ""),
                        MeterResourceTest.meterJson(ids.get(17), 70000).replace("\n", ""))
                .replace(MeterResourceTest.meterJson(ids.get(4321), 4059).replace("\n", ""),
                        MeterResourceTest.meterJson(ids.get(4321), 4059).replace("\n", "").replace("TCP_WRAPPER", "CARRIER_PIGEON"))
                // record 9999 repeats record 5's id
                .replace("\"meterId\":\"" + ids.get(9999) + "\"", "\"meterId\":\"" + ids.get(5) + "\"");
        given().contentType(ContentType.JSON).body(body).post("/meters/import").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItems("meters[17].port", "meters[4321].transport", "meters[9999].meterId"))
                .body("errors.find { it.field == 'meters[17].port' }.line", equalTo(19))
                .body("errors.find { it.field == 'meters[4321].transport' }.line", equalTo(4323))
                .body("errors.find { it.field == 'meters[9999].meterId' }.message", containsString("lines 7 and 10001"));
        given().get("/meters/" + ids.get(0)).then().statusCode(404);
    }

    @Test
    void notARegistryIsA400NamingTheLine() {
        given().contentType(ContentType.JSON).body("{\"meters\":[\n{\"meterId\":\"X\",\n\"port\":}]}")
                .post("/meters/import").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("line 3"));
        given().contentType(ContentType.JSON).body("{\"devices\":[]}")
                .post("/meters/import").then().statusCode(400).body("detail", containsString("devices"));
    }
}
