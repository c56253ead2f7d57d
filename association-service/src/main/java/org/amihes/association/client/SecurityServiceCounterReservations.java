package org.amihes.association.client;

import org.amihes.service.messaging.Coalescer;

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

    /** Reservations sent together: at most this many per request to security-service. */
    static final int BATCH = 100;
    /** How long a reservation waits for others to go with it. */
    static final long GATHER_MS = 2;

    private record Wanted(String meterId, String keyId, long atLeast) {
    }

    private final io.vertx.core.Vertx vertx;
    private final SecurityServiceClient client;
    /** by window size: a request to security-service reserves windows of one size */
    private final java.util.Map<Integer, Coalescer<Wanted, JsonObject>> bySize = new java.util.concurrent.ConcurrentHashMap<>();

    public SecurityServiceCounterReservations(io.vertx.core.Vertx vertx, SecurityServiceClient client) {
        this.vertx = vertx;
        this.client = client;
    }

    /**
     * Reservations made at about the same time (the meters of a job batch) travel in one request ({@code POST
     * /invocation-counters/reservations}: one statement in security-service's database), each answered alone.
     */
    @Override
    public Future<Window> reserve(String meterId, String keyId, long atLeast, int count) {
        return bySize.computeIfAbsent(count, size -> new Coalescer<>(vertx, BATCH, GATHER_MS, batch -> send(batch, size)))
                .request(new Wanted(meterId, keyId, atLeast))
                .map(answer -> {
                    JsonObject window = answer.getJsonObject("window");
                    if (window == null) {
                        throw new CountersUnavailable("security-service refused to reserve invocation counters for "
                                + meterId + ": " + answer.getString("refused"), null);
                    }
                    return new Window(window.getLong("first"), window.getLong("limit"));
                });
    }

    private Future<java.util.List<JsonObject>> send(java.util.List<Wanted> wanted, int count) {
        io.vertx.core.json.JsonArray reservations = new io.vertx.core.json.JsonArray();
        wanted.forEach(w -> reservations.add(new JsonObject().put("meterId", w.meterId()).put("keyId", w.keyId())
                .put("atLeast", w.atLeast())));
        String body = new JsonObject().put("count", count).put("reservations", reservations).encode();
        return client.post("/invocation-counters/reservations", body)
                .recover(e -> Future.failedFuture(new CountersUnavailable("security-service at " + client.base()
                        + " is unreachable for invocation counters: " + e.getMessage(), e)))
                .map(reply -> {
                    if (reply.status() != 200) {
                        throw new CountersUnavailable("security-service refused to reserve invocation counters (HTTP "
                                + reply.status() + "): " + reply.body(), null);
                    }
                    return reply.objects("windows");
                });
    }
}
