package org.amihes.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.amihes.service.testing.TestTokens;

/**
 * A simulated fleet whose keys are in security-service (its security profiles and key delivery imported as a utility
 * would), and association-service and polling-service reading it over each vendor's management association: the
 * stack of the keyed end-to-end tests, each under its own name (logs, audit log, registry in target/&lt;name&gt;).
 */
final class SecuredStack implements AutoCloseable {

    /**
     * The fleet seed of every keyed stack on the test database: the simulated head-end's signing keys derive from it,
     * and security-service keeps one head-end (another seed's key delivery is refused, 409).
     */
    static final long SEED = 42;

    final Vertx vertx;
    final FleetSimulator simulator;
    final ServiceProcess security;
    final ServiceProcess polling;
    final Path dir;
    final Map<String, String> associationSettings;
    private final String name;
    ServiceProcess association;

    private SecuredStack(String name, Vertx vertx, FleetSimulator simulator, ServiceProcess security,
                         ServiceProcess association, ServiceProcess polling, Path dir, Map<String, String> settings) {
        this.name = name;
        this.vertx = vertx;
        this.simulator = simulator;
        this.security = security;
        this.association = association;
        this.polling = polling;
        this.dir = dir;
        this.associationSettings = settings;
    }

    /** @param associationSettings added to association-service's settings (e.g. a session bound) */
    static SecuredStack start(String name, Fleet fleet, Instant now, Map<String, String> associationSettings)
            throws Exception {
        return start(name, fleet, now, associationSettings, Map.of());
    }

    /** @param securitySettings added to security-service's settings */
    static SecuredStack start(String name, Fleet fleet, Instant now, Map<String, String> associationSettings,
                              Map<String, String> securitySettings) throws Exception {
        Vertx vertx = Vertx.vertx();
        FleetSimulator simulator = FleetSimulator.start(vertx, fleet, Clock.fixed(now, ZoneOffset.UTC), "0.0.0.0")
                .toCompletionStage().toCompletableFuture().get();
        Path dir = Files.createDirectories(Path.of("target", name));
        Path registry = dir.resolve("meter_registry.json");
        Path profiles = dir.resolve("security_profiles.json");
        Path keys = dir.resolve("meter_keys.json");
        fleet.writeSecurityProfiles(profiles);
        fleet.writeRegistry(registry, true);
        fleet.writeKeys(keys);

        ServiceProcess security = E2eStack.startSecurity(securitySettings);
        // tokens fetched now: a stack may run a security-service that takes tokens only seconds old
        given().baseUri(security.url()).header("Authorization", "Bearer " + TestTokens.fresh(TestTokens.DEFAULT_USER))
                .contentType(ContentType.JSON).body(profiles.toFile()).post("/security-profiles/import").then()
                .statusCode(200);
        given().baseUri(security.url()).header("Authorization", "Bearer " + TestTokens.fresh(TestTokens.DEFAULT_USER))
                .contentType(ContentType.JSON).body(keys.toFile()).post("/keys/import")
                .then().statusCode(200).body("meters", equalTo(fleet.meters().size()));
        Map<String, String> assoc = new HashMap<>(E2eStack.associationWithKeys(security));
        assoc.put("hes.registry.file", registry.toAbsolutePath().toString());
        assoc.put("hes.audit.file", dir.resolve("interop_audit.log").toAbsolutePath().toString());
        assoc.put("hes.sessions.response-timeout", "2s");
        assoc.putAll(associationSettings);
        ServiceProcess association = ServiceProcess.start(ServiceProcess.projectRoot(), "association-service", assoc,
                "association-service-" + name);
        association.awaitReady(Duration.ofSeconds(240));
        ServiceProcess polling = ServiceProcess.start(ServiceProcess.projectRoot(), "polling-service",
                new HashMap<>(E2eStack.polling()), "polling-service-" + name);
        polling.awaitReady(Duration.ofSeconds(240));
        E2eStack.purgeQueues();
        return new SecuredStack(name, vertx, simulator, security, association, polling, dir, assoc);
    }

    Path keysFile() {
        return dir.resolve("meter_keys.json");
    }

    Path audit() {
        return dir.resolve("interop_audit.log");
    }

    List<MeterSpec> meters(String profile) {
        return simulator.fleet().meters().stream().filter(m -> m.profile().equals(profile)).toList();
    }

    /** A new association-service process with the same settings (after {@link ServiceProcess#kill} or close). */
    void restartAssociation(String logName) throws Exception {
        association = ServiceProcess.start(ServiceProcess.projectRoot(), "association-service", associationSettings,
                "association-service-" + logName);
        association.awaitReady(Duration.ofSeconds(240));
    }

    /** Reads the meters through polling-service and answers the batch's progress once it is done. */
    JsonPath read(List<String> meterIds, Duration within) throws Exception {
        String batch = given().baseUri(polling.url()).contentType(ContentType.JSON).body(Map.of("meterIds", meterIds))
                .post("/reads").then().statusCode(202).extract().path("batchId");
        JsonPath progress = null;
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            progress = given().baseUri(polling.url()).get("/reads/" + batch).then().statusCode(200).extract().jsonPath();
            if (progress.getBoolean("done")) {
                return progress;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("read batch not done within " + within + ": " + progress.prettify());
    }

    /** The meter's credentials as association-service gets them (keys included). */
    JsonPath credentials(MeterSpec m) {
        return given().baseUri(security.url()).header("Authorization", "Bearer "
                + org.amihes.service.testing.TestTokens.client("association-service"))
                .queryParam("profile", Fleet.securityProfileName(VendorProfile.load(m.profile())))
                .get("/meters/" + m.meterId() + "/credentials").then().statusCode(200).extract().jsonPath();
    }

    @Override
    public void close() throws Exception {
        for (ServiceProcess p : new ServiceProcess[] {polling, association, security}) {
            if (p != null) {
                p.close();
            }
        }
        simulator.close();
        vertx.close();
    }

    @Override
    public String toString() {
        return "SecuredStack[" + name + "]";
    }
}
