package org.amihes.dlms;

import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Vert.x instance and transports that the tests against a {@link ScriptedMeter} share, one set per test class. */
abstract class ScriptedPeerTest {

    static Vertx vertx;
    static Transports transports;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
        transports = new Transports(vertx, Duration.ofSeconds(2));
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }
}
