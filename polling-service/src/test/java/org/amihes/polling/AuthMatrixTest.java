package org.amihes.polling;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.amihes.service.testing.AuthMatrix;
import org.junit.jupiter.api.Test;

/**
 * Every operation of polling-service's OpenAPI document against the real Keycloak: no, expired or tampered token 401;
 * each demo user's and service client's token 403 without one of the operation's roles, past authorisation with one
 * (AuthMatrix). An endpoint added without @RolesAllowed fails here.
 */
@QuarkusTest
class AuthMatrixTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void everyOperationAdmitsItsRolesOnly() throws Exception {
        AuthMatrix.verify(base.toString(), "polling-service");
    }
}
