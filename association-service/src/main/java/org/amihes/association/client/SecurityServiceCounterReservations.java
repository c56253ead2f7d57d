package org.amihes.association.client;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.amihes.association.domain.InvocationCounterWindows;
import org.amihes.association.domain.InvocationCounterWindows.Window;

/**
 * Reserves invocation counter windows from security-service ({@code POST
 * /meters/{meterId}/invocation-counters/{keyId}/reservations}), which keeps them in PostgreSQL. Non-blocking: a
 * reservation runs on the calling event loop.
 */
public final class SecurityServiceCounterReservations implements InvocationCounterWindows.Reservations {

    /** security-service could not reserve: the head-end, not the meter, failed. */
    public static final class CountersUnavailable extends RuntimeException {
        public CountersUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final SecurityServiceClient client;

    public SecurityServiceCounterReservations(SecurityServiceClient client) {
        this.client = client;
    }

    @Override
    public Future<Window> reserve(String meterId, String keyId, long atLeast, int count) {
        String body = new JsonObject().put("count", count).put("atLeast", atLeast).encode();
        return client.post("/meters/" + meterId + "/invocation-counters/" + keyId + "/reservations", body)
                .map(reply -> {
                    if (reply.status() != 200) {
                        throw new CountersUnavailable("security-service refused to reserve invocation counters for "
                                + meterId + " (HTTP " + reply.status() + "): " + reply.body(), null);
                    }
                    JsonObject window = reply.body().toJsonObject();
                    return new Window(window.getLong("first"), window.getLong("limit"));
                })
                .recover(e -> Future.failedFuture(e instanceof CountersUnavailable ? e : new CountersUnavailable(
                        "security-service at " + client.base() + " is unreachable for invocation counters: "
                                + e.getMessage(), e)));
    }
}
