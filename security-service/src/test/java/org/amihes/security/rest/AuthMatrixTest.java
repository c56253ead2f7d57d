package org.amihes.security.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import org.amihes.service.testing.AuthMatrix;
import org.junit.jupiter.api.Test;

/**
 * Every operation of security-service's OpenAPI document against the real Keycloak: no, expired or tampered token 401;
 * each demo user's and service client's token 403 without one of the operation's roles, past authorisation with one
 * (AuthMatrix). An endpoint added without @RolesAllowed fails here.
 */
@QuarkusTest
class AuthMatrixTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void everyOperationAdmitsItsRolesOnly() throws Exception {
        AuthMatrix matrix = new AuthMatrix(base.toString());
        List<AuthMatrix.Operation> operations = matrix.operations();
        assertThat(operations).isNotEmpty().allSatisfy(op -> assertThat(op.roles()).as(op + " roles").isNotEmpty());
        List<AuthMatrix.Finding> findings = matrix.check();
        assertThat(findings).as("operations " + operations).isEmpty();
        // 3 bad tokens and 9 personas per operation
        assertThat(matrix.calls()).isEqualTo(operations.size() * (3 + AuthMatrix.USERS.size() + AuthMatrix.CLIENTS.size()));
    }
}
