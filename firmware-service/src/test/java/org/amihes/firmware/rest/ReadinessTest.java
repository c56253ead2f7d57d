package org.amihes.firmware.rest;

import io.quarkus.test.junit.QuarkusTest;
import org.amihes.service.testing.Readiness;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ReadinessTest {

    @Test
    void readyWithDatabaseAndBroker() {
        Readiness.assertReadyWithDatabaseAndBroker("firmware-results");
        // events leave through the outbox relay, over a connection of its own (no SmallRye channel any more)
        Readiness.assertReadyWithDatabaseAndRabbit("firmware events");
    }
}
