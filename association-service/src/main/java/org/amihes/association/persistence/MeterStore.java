package org.amihes.association.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.amihes.association.domain.Meter;
import org.amihes.contracts.RegisteredMeter;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.transport.TransportKind;

/**
 * The registry in PostgreSQL (schema {@code association}). Writes are set-oriented idempotent upserts: the same meter
 * twice changes nothing, a changed meter is updated, and every write tells the other replicas (NOTIFY, delivered on
 * commit) so their in-memory registries follow at once, and other services (registry events through the outbox,
 * written in the same transaction).
 */
@ApplicationScoped
public class MeterStore {

    public enum Outcome { CREATED, UPDATED, UNCHANGED }

    public record ImportSummary(int created, int updated, int unchanged) {
    }

    /** The NOTIFY channel: the payload is a comma-separated list of meter ids, or {@link #RELOAD} for a big import. */
    public static final String CHANNEL = "association_meter_registry";
    public static final String RELOAD = "*";
    private static final int CHUNK = 1000;
    private static final int NOTIFY_IDS = 100;
    private static final String COLUMNS = "meter_id, vendor, host, port, transport, client_address, logical_device, authentication, security_profile, tags";

    private final Pool pool;
    private final Outbox outbox;

    public MeterStore(Pool pool, Outbox outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    /** Puts the whole registry into the outbox as snapshot events (a service asked to catch up). */
    public Uni<Integer> enqueueSnapshot() {
        return pool.withTransaction(conn -> conn.query("SELECT meter_id, vendor, updated_at, tags FROM association.meter ORDER BY meter_id")
                .execute().chain(rows -> {
                    List<RegisteredMeter> all = new ArrayList<>(rows.size());
                    rows.forEach(r -> all.add(registered(r)));
                    return outbox.registryChanged(conn, all, true).replaceWith(all.size());
                }));
    }

    public Uni<List<Meter>> all() {
        return pool.query("SELECT " + COLUMNS + " FROM association.meter").execute().map(MeterStore::meters);
    }

    public Uni<List<Meter>> byIds(List<String> meterIds) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM association.meter WHERE meter_id = ANY($1)")
                .execute(Tuple.of(meterIds.toArray(String[]::new))).map(MeterStore::meters);
    }

    public Uni<Optional<Meter>> find(String meterId) {
        return byIds(List.of(meterId)).map(found -> found.stream().findFirst());
    }

    public Uni<Outcome> upsert(Meter meter) {
        return upsertAll(List.of(meter)).map(s -> s.created() == 1 ? Outcome.CREATED
                : s.updated() == 1 ? Outcome.UPDATED : Outcome.UNCHANGED);
    }

    /** All in one transaction, in chunks of 1,000 rows per statement: an import lands whole or not at all. */
    public Uni<ImportSummary> upsertAll(List<Meter> meters) {
        return pool.withTransaction(conn -> {
            int[] counts = new int[2];
            List<RegisteredMeter> changed = new ArrayList<>();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (int from = 0; from < meters.size(); from += CHUNK) {
                List<Meter> chunk = meters.subList(from, Math.min(meters.size(), from + CHUNK));
                chain = chain.chain(() -> upsertChunk(conn, chunk, changed).invoke(c -> {
                    counts[0] += c[0];
                    counts[1] += c[1];
                }).replaceWithVoid());
            }
            chain = chain.chain(() -> outbox.registryChanged(conn, changed, false));
            String payload = meters.size() <= NOTIFY_IDS
                    ? String.join(",", meters.stream().map(Meter::meterId).toList()) : RELOAD;
            return chain
                    .chain(() -> conn.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(CHANNEL, payload)))
                    .map(v -> new ImportSummary(counts[0], counts[1], meters.size() - counts[0] - counts[1]));
        });
    }

    /** Returns {created, updated}; rows whose values did not change are neither written nor counted. */
    private static Uni<int[]> upsertChunk(SqlConnection conn, List<Meter> chunk, List<RegisteredMeter> changed) {
        int n = chunk.size();
        String[] ids = new String[n];
        String[] vendors = new String[n];
        String[] hosts = new String[n];
        Integer[] ports = new Integer[n];
        String[] transports = new String[n];
        Integer[] clients = new Integer[n];
        Integer[] devices = new Integer[n];
        String[] auths = new String[n];
        String[] profiles = new String[n];
        String[] tags = new String[n];
        for (int i = 0; i < n; i++) {
            Meter m = chunk.get(i);
            ids[i] = m.meterId();
            vendors[i] = m.vendor();
            hosts[i] = m.host();
            ports[i] = m.port();
            transports[i] = m.transport().name();
            clients[i] = m.clientAddress();
            devices[i] = m.logicalDevice();
            auths[i] = m.authentication().name();
            profiles[i] = m.securityProfile();
            tags[i] = String.join(",", m.tags()); // a tag has no ',' (MeterGroup.TAG): one text per meter for unnest
        }
        return conn.preparedQuery("INSERT INTO association.meter AS m (" + COLUMNS + ") "
                        + "SELECT i, v, h, p, t, c, d, a, s, coalesce(string_to_array(nullif(g, ''), ','), '{}') "
                        + "FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], "
                        + "$7::int[], $8::text[], $9::text[], $10::text[]) AS u(i, v, h, p, t, c, d, a, s, g) "
                        + "ON CONFLICT (meter_id) DO UPDATE SET vendor = EXCLUDED.vendor, host = EXCLUDED.host, "
                        + "port = EXCLUDED.port, transport = EXCLUDED.transport, client_address = EXCLUDED.client_address, "
                        + "logical_device = EXCLUDED.logical_device, authentication = EXCLUDED.authentication, "
                        + "security_profile = EXCLUDED.security_profile, tags = EXCLUDED.tags, updated_at = now() "
                        + "WHERE (m.vendor, m.host, m.port, m.transport, m.client_address, m.logical_device, m.authentication, "
                        + "m.security_profile, m.tags) "
                        + "IS DISTINCT FROM (EXCLUDED.vendor, EXCLUDED.host, EXCLUDED.port, EXCLUDED.transport, "
                        + "EXCLUDED.client_address, EXCLUDED.logical_device, EXCLUDED.authentication, EXCLUDED.security_profile, "
                        + "EXCLUDED.tags) "
                        + "RETURNING (xmax = 0) AS created, meter_id, vendor, updated_at, tags")
                .execute(Tuple.tuple(List.of(ids, vendors, hosts, ports, transports, clients, devices, auths, profiles, tags)))
                .map(rows -> {
                    int[] c = new int[2];
                    for (Row r : rows) {
                        c[r.getBoolean("created") ? 0 : 1]++;
                        changed.add(registered(r));
                    }
                    return c;
                });
    }

    private static RegisteredMeter registered(Row r) {
        return new RegisteredMeter(r.getString("meter_id"), r.getString("vendor"), r.getOffsetDateTime("updated_at").toInstant(),
                List.of(r.getArrayOfStrings("tags")));
    }

    private static List<Meter> meters(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<Meter> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            out.add(new Meter(r.getString("meter_id"), r.getString("vendor"), r.getString("host"), r.getInteger("port"),
                    TransportKind.valueOf(r.getString("transport")), r.getInteger("client_address"),
                    r.getInteger("logical_device"), AuthenticationLevel.valueOf(r.getString("authentication")),
                    r.getString("security_profile"), List.of(r.getArrayOfStrings("tags"))));
        }
        return out;
    }
}
