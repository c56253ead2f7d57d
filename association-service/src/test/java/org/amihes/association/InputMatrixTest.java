package org.amihes.association;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.amihes.service.testing.InputMatrix;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, bad input, generated: every operation of association-service's OpenAPI document gets malformed JSON, wrong types
 * (the body's and each property's), no body, an unknown field, a key given twice, the wrong media type, a body
 * declared over any limit, query parameters of the wrong type or out of bounds, unknown ids; each answered with its
 * specific 4xx problem+json, nothing written to the association schema (InputMatrix). An endpoint added later is covered
 * without a change here; the hand-written BadInputTest keeps the cases that need a valid body.
 */
@QuarkusTest
class InputMatrixTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void everyOperationAnswersBadInputWithItsProblemAndWritesNothing() throws Exception {
        InputMatrix.verify(base.toString(), "association-service", "association");
    }
}
