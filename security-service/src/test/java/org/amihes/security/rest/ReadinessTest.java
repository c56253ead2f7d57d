package org.amihes.security.rest;

import io.quarkus.test.junit.QuarkusTest;
import org.amihes.service.testing.Readiness;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ReadinessTest {

    @Test
    void readyWithDatabaseAndBroker() {
        Readiness.assertReadyWithDatabaseAndBroker("key-results");
        // events leave through the outbox relay, over a connection of its own (no SmallRye channel any more)
        Readiness.assertReadyWithDatabaseAndRabbit("security events");
    }
}
