package org.amihes.service.testing;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/**
 * Before each {@code @QuarkusTest} method (registered in META-INF/services, so every module gets it): RestAssured, as
 * the test's class loader sees it, sends the default test token unless the request sets its own.
 */
public final class TestTokenCallback implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        BearerTokenFilter.install();
    }
}
