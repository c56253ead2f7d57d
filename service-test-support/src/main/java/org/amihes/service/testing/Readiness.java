package org.amihes.service.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** The readiness contract of every service: UP only when PostgreSQL and every RabbitMQ channel are. */
public final class Readiness {

    private static final String DATABASE = "Reactive PostgreSQL connections health check";
    private static final String BROKER = "SmallRye Reactive Messaging - readiness check";
    private static final String RABBIT = "RabbitMQ connections";

    private Readiness() {
    }

    /** Asserts /q/health/ready is UP with the database and broker checks UP and each named channel reported. */
    public static void assertReadyWithDatabaseAndBroker(String... channels) {
        given().when().get("/q/health/ready").then().log().ifValidationFails()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == '" + DATABASE + "' }.status", equalTo("UP"))
                .body("checks.find { it.name == '" + BROKER + "' }.status", equalTo("UP"))
                .body("checks.find { it.name == '" + BROKER + "' }.data.keySet()", hasItems((Object[]) channels));
    }

    /** Asserts /q/health/ready is UP with the database check and each named RabbitMQ connection (by role) open. */
    public static void assertReadyWithDatabaseAndRabbit(String... roles) {
        var body = given().when().get("/q/health/ready").then().log().ifValidationFails()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == '" + DATABASE + "' }.status", equalTo("UP"))
                .body("checks.find { it.name == '" + RABBIT + "' }.status", equalTo("UP"));
        for (String role : roles) {
            body.body("checks.find { it.name == '" + RABBIT + "' }.data['" + role + "']", equalTo("open"));
        }
    }
}
