package org.amihes.service.testing;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Gives every RestAssured request that sets no Authorization header of its own the default test user's token
 * ({@link TestTokens#admin()}), so tests written without knowing about identity keep working. A test that checks
 * authorisation sets its own header (another user's or a client's token, or a bad one).
 */
public final class BearerTokenFilter implements Filter {

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
                           FilterContext context) {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", "Bearer " + TestTokens.admin());
        }
        return context.next(request, response);
    }

    /** Adds the filter to RestAssured's defaults once (per class loader that loaded RestAssured). */
    public static synchronized void install() {
        if (RestAssured.filters().stream().noneMatch(f -> f.getClass().getName().equals(BearerTokenFilter.class.getName()))) {
            RestAssured.filters(new BearerTokenFilter());
        }
    }
}
