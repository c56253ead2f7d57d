package org.amihes.association.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.amihes.contracts.MeterRegistryChange;
import org.amihes.contracts.RegisteredMeter;
import org.amihes.service.messaging.JsonMessages;

/** Writes registry events into {@code association.outbox}, inside the caller's transaction. */
@ApplicationScoped
public class Outbox {

    private final JsonMessages json;

    public Outbox(JsonMessages json) {
        this.json = json;
    }

    /** One {@link MeterRegistryChange} per {@link MeterRegistryChange#MAX_METERS} meters. */
    public Uni<Void> registryChanged(SqlConnection conn, List<RegisteredMeter> meters, boolean snapshot) {
        if (meters.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<byte[]> payloads = new ArrayList<>();
        for (int from = 0; from < meters.size(); from += MeterRegistryChange.MAX_METERS) {
            List<RegisteredMeter> part = meters.subList(from, Math.min(meters.size(), from + MeterRegistryChange.MAX_METERS));
            payloads.add(json.write(new MeterRegistryChange(UUID.randomUUID().toString(), snapshot, part)));
        }
        String[] keys = new String[payloads.size()];
        java.util.Arrays.fill(keys, MeterRegistryChange.ROUTING_KEY);
        return conn.preparedQuery("INSERT INTO association.outbox (routing_key, payload) SELECT * FROM unnest($1::text[], $2::bytea[])")
                .execute(Tuple.of(keys, payloads.stream().map(io.vertx.core.buffer.Buffer::buffer)
                        .toArray(io.vertx.core.buffer.Buffer[]::new)))
                .replaceWithVoid();
    }
}
