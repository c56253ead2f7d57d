package org.amihes.service.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Runs before the first test of every module that has service-test-support on its test class path (registered in
 * META-INF/services): makes sure Keycloak serves the realm (so services under test find it at start) and gives
 * RestAssured the default test token (for tests outside Quarkus, e.g. e2e-tests).
 */
public final class TestKeycloakSession implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        TestKeycloak.ensureRunning();
        BearerTokenFilter.install();
    }
}
