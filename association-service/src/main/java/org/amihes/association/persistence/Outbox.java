package org.amihes.association.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.amihes.contracts.MeterConnectivityChanged;
import org.amihes.contracts.MeterRegistryChange;
import org.amihes.contracts.RegisteredMeter;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.outbox.OutboxEvent;
import org.amihes.service.outbox.OutboxTable;

/** Writes events (registry changes, meter connectivity) into {@code association.outbox}, inside the caller's transaction. */
@ApplicationScoped
public class Outbox {

    /** The table (migration V2), relayed by {@link org.amihes.association.messaging.OutboxRelay}. */
    public static final OutboxTable TABLE = new OutboxTable("association.outbox");

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
        return append(conn, keys, payloads);
    }

    /** Meters marked offline or back online ({@link MeterConnectivityChanged}), routed by what happened. */
    public Uni<Void> connectivityChanged(SqlConnection conn, List<MeterConnectivityChanged> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return append(conn, events.stream().map(MeterConnectivityChanged::routingKey).toArray(String[]::new),
                events.stream().map(json::write).toList());
    }

    private Uni<Void> append(SqlConnection conn, String[] keys, List<byte[]> payloads) {
        List<OutboxEvent> events = new ArrayList<>(keys.length);
        for (int i = 0; i < keys.length; i++) {
            events.add(new OutboxEvent(keys[i], payloads.get(i)));
        }
        return TABLE.append(conn, events);
    }
}
