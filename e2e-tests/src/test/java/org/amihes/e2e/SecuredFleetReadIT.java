package org.amihes.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSnapshot;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 9: the services read every simulated vendor over its management association with the keys security-service
 * keeps under the HSM (HLS-GMAC suite 0, HLS-ECDSA suite 2, LLS over HDLC, HLS-SHA256), never over the public
 * client; and no key reaches a log, the audit log, a problem body or the metrics.
 */
class SecuredFleetReadIT {

    static final Instant NOW = Instant.parse("2026-10-01T08:15:00Z");
    static final long SEED = 42; // the test database's one head-end: the same head-end keys as every other import
    static final int METERS = 8;
    static final ObjectMapper JSON = new ObjectMapper();
    static SecuredStack stack;

    @BeforeAll
    static void startSystem() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Fleet fleet = Fleet.generate(METERS, VendorProfile.BUILT_IN, SEED, "127.6.2.1",
                ServiceProcess.freePort()).withIdPrefix("SEC-" + run + "-");
        stack = SecuredStack.start("secured-" + run, fleet, NOW, Map.of());
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyVendorIsReadOverItsManagementAssociationAndNoKeyLeaks() throws Exception {
        List<String> ids = stack.simulator.fleet().meters().stream().map(MeterSpec::meterId).toList();
        JsonPath progress = stack.read(ids, Duration.ofSeconds(90));

        for (MeterSpec m : stack.simulator.fleet().meters()) {
            VendorProfile p = VendorProfile.load(m.profile());
            MeterSnapshot state = stack.simulator.meterState(m.meterId());
            int managementClient = "NONE".equals(p.hlsAuthentication()) ? 32 : 1;
            assertThat(state.associationsByClient()).as(m.meterId() + " (" + p.name() + ") associations by client")
                    .containsOnlyKeys(managementClient);
            JsonPath readings = given().baseUri(stack.polling.url()).get("/meters/" + m.meterId() + "/readings")
                    .then().statusCode(200).extract().jsonPath();
            if (p.energyRegisterNull()) {
                // delta-q9's register answers null (a vendor mapping bug): associated with HLS-SHA256, then refused
                assertThat(readings.getList("$")).as(m.meterId()).isEmpty();
                continue;
            }
            assertThat(readings.getList("$")).as(m.meterId() + " (" + p.name() + ")").hasSize(1);
            assertThat(new BigDecimal(readings.getString("[0].value"))).as(m.meterId())
                    .isEqualByComparingTo(MeterModel.energyValue(m, p, NOW));
        }
        assertThat(progress.getInt("ok")).isEqualTo(METERS - 2); // both delta-q9 meters: null register
        assertThat(progress.getMap("byAssociation").keySet()).as("the batch counts jobs by association").anyMatch(
                a -> a.toString().startsWith("HIGH_ECDSA suite 2 AUTHENTICATED_ENCRYPTED, client 1 (profile borealis-b7"))
                .anyMatch(a -> a.toString().startsWith("LOW suite 0 NONE, client 32")).hasSize(4);
        assertThat(progress.getInt("failuresByClass.VENDOR")).isEqualTo(2);

        Path audit = stack.audit();
        String auditText = Files.readString(audit);
        assertThat(auditText).contains("HIGH_GMAC suite 0 AUTHENTICATED_ENCRYPTED, client 1")
                .contains("HIGH_ECDSA suite 2 AUTHENTICATED_ENCRYPTED, client 1")
                .contains("LOW suite 0 NONE, client 32").contains("HIGH_SHA256 suite 0 AUTHENTICATED, client 1");

        // no key material anywhere a user or an operator can see
        List<String> secrets = secrets();
        String metrics = given().baseUri(stack.association.url()).get("/q/metrics").asString()
                + given().baseUri(stack.security.url()).get("/q/metrics").asString();
        String problems = given().baseUri(stack.security.url()).get("/meters/" + ids.get(0) + "/credentials?profile=x").asString()
                + given().baseUri(stack.security.url()).contentType(ContentType.JSON).body(stack.keysFile().toFile())
                .post("/keys/import").asString();
        Map<String, String> seen = Map.of("audit log", auditText, "association log", stack.association.log(),
                "security log", stack.security.log(), "polling log", stack.polling.log(), "metrics", metrics, "problem bodies", problems);
        seen.forEach((where, text) -> {
            String lower = text.toLowerCase();
            for (String secret : secrets) {
                assertThat(lower).as(where + " holds no key").doesNotContain(secret.toLowerCase());
            }
        });
    }

    /** Every secret of the delivery, as hex and as text. */
    static List<String> secrets() throws Exception {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode m : JSON.readTree(stack.keysFile().toFile()).get("meters")) {
            for (String field : List.of("blockCipherKey", "authenticationKey", "masterKey", "hlsSecret")) {
                out.add(m.get(field).asText());
            }
            out.add(HexFormat.of().formatHex(m.get("llsPassword").asText().getBytes()));
            if (m.get("llsPassword").asText().length() >= 6) {
                out.add(m.get("llsPassword").asText());
            }
        }
        JsonNode headEnd = JSON.readTree(stack.keysFile().toFile()).get("headEnd");
        out.add(headEnd.get("suite1SigningPrivateKey").asText());
        out.add(headEnd.get("suite2SigningPrivateKey").asText());
        return out;
    }
}
