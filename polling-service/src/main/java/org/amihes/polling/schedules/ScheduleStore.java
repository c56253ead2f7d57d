package org.amihes.polling.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.amihes.service.registry.MeterGroup;

/** Schedules and their fires in PostgreSQL ({@code polling.schedule}, {@code polling.schedule_fire}). */
@ApplicationScoped
public class ScheduleStore {

    static final String COLUMNS = "schedule_id, name, group_vendor, group_meters, group_tags, job_kind, job_parameters::text AS params, "
            + "every_seconds, cron, time_zone, enabled, next_fire, created_at, updated_at";
    /** A fire ({@code f}) with the size of its batch ({@code b}, left-joined). */
    static final String FIRE_COLUMNS = "f.due_at, f.fired_at, f.trigger, f.outcome, f.batch_id, b.requested, f.detail, f.replica";

    private final Pool pool;
    private final ObjectMapper mapper;

    public ScheduleStore(Pool pool, ObjectMapper mapper) {
        this.pool = pool;
        this.mapper = mapper;
    }

    public Pool pool() {
        return pool;
    }

    /**
     * Stores a new schedule; {@code now} (the database's time) is its anchor. With an idempotency key (else null), the
     * request's fingerprint is stored with it; a key stored already is a unique violation.
     */
    public Uni<Void> insert(UUID id, ScheduleSpec spec, JsonNode parameters, Instant nextFire, Instant now,
                            String idempotencyKey, String request) {
        return pool.preparedQuery("INSERT INTO polling.schedule (schedule_id, name, group_vendor, group_meters, job_kind, "
                        + "job_parameters, every_seconds, cron, time_zone, enabled, next_fire, created_at, updated_at, "
                        + "group_tags, idempotency_key, idempotency_request) "
                        + "VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15)")
                .execute(Tuple.tuple(Arrays.<Object>asList(id, spec.name(), spec.group().vendor(), meters(spec),
                        spec.job().kind(), write(parameters), spec.everySeconds(), spec.cron(),
                        spec.zone(), spec.isEnabled(), utc(nextFire), utc(now), tags(spec), idempotencyKey, request)))
                .replaceWithVoid();
    }

    /** The schedule created under an idempotency key, with the fingerprint of the request that created it. */
    public record KeyedSchedule(UUID id, String request) {
    }

    public Uni<Optional<KeyedSchedule>> byIdempotencyKey(String key) {
        return pool.preparedQuery("SELECT schedule_id, idempotency_request FROM polling.schedule WHERE idempotency_key = $1")
                .execute(Tuple.of(key))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new KeyedSchedule(
                        rows.iterator().next().getUUID(0), rows.iterator().next().getString(1))));
    }

    /** Replaces a schedule's definition; false when there is no such schedule. */
    public Uni<Boolean> update(UUID id, ScheduleSpec spec, JsonNode parameters, Instant nextFire, Instant now) {
        return pool.preparedQuery("UPDATE polling.schedule SET name = $2, group_vendor = $3, group_meters = $4, "
                        + "job_kind = $5, job_parameters = $6::text::jsonb, every_seconds = $7, cron = $8, time_zone = $9, "
                        + "enabled = $10, next_fire = $11, updated_at = $12, group_tags = $13 WHERE schedule_id = $1")
                .execute(Tuple.tuple(Arrays.<Object>asList(id, spec.name(), spec.group().vendor(), meters(spec),
                        spec.job().kind(), write(parameters), spec.everySeconds(), spec.cron(),
                        spec.zone(), spec.isEnabled(), utc(nextFire), utc(now), tags(spec))))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Boolean> delete(UUID id) {
        return pool.preparedQuery("DELETE FROM polling.schedule WHERE schedule_id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Optional<StoredSchedule>> find(SqlClient client, UUID id, boolean lock) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM polling.schedule WHERE schedule_id = $1"
                        + (lock ? " FOR UPDATE" : ""))
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(schedule(rows.iterator().next())));
    }

    public Uni<List<StoredSchedule>> list() {
        return pool.query("SELECT " + COLUMNS + " FROM polling.schedule ORDER BY created_at, schedule_id").execute()
                .map(rows -> {
                    List<StoredSchedule> out = new ArrayList<>();
                    rows.forEach(r -> out.add(schedule(r)));
                    return out;
                });
    }

    /**
     * The most overdue enabled schedule that no other transaction holds, locked until the caller's transaction ends
     * (another replica's claim skips it), with the database's time; empty when none is due.
     */
    public Uni<Optional<Claimed>> claimDue(SqlConnection conn) {
        return conn.query("SELECT " + COLUMNS + ", now() AS db_now FROM polling.schedule WHERE enabled AND next_fire <= now() "
                        + "ORDER BY next_fire LIMIT 1 FOR UPDATE SKIP LOCKED").execute()
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    return Optional.of(new Claimed(schedule(r), r.getOffsetDateTime("db_now").toInstant()));
                });
    }

    public record Claimed(StoredSchedule schedule, Instant now) {
    }

    public Uni<Instant> now(SqlClient client) {
        return client.query("SELECT now()").execute().map(rows -> rows.iterator().next().getOffsetDateTime(0).toInstant());
    }

    public Uni<Void> moveNextFire(SqlConnection conn, UUID id, Instant next) {
        return conn.preparedQuery("UPDATE polling.schedule SET next_fire = $2 WHERE schedule_id = $1")
                .execute(Tuple.of(id, utc(next))).replaceWithVoid();
    }

    /** The batch of the schedule's latest fire that created one. */
    public Uni<Optional<UUID>> lastBatch(SqlConnection conn, UUID id) {
        return conn.preparedQuery("SELECT batch_id FROM polling.schedule_fire WHERE schedule_id = $1 AND batch_id IS NOT NULL "
                        + "ORDER BY fired_at DESC LIMIT 1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getUUID(0)));
    }

    /** Records a fire; with the idempotency key of the manual run that asked for it (else null). */
    public Uni<Void> recordFire(SqlConnection conn, UUID id, ScheduleFire fire, String idempotencyKey) {
        return conn.preparedQuery("INSERT INTO polling.schedule_fire (schedule_id, due_at, fired_at, trigger, outcome, "
                        + "batch_id, detail, replica, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .execute(Tuple.tuple(Arrays.<Object>asList(id, utc(fire.dueAt()), utc(fire.firedAt()), fire.trigger(), fire.outcome(),
                        fire.batchId(), fire.detail(), fire.replica(), idempotencyKey)))
                .replaceWithVoid();
    }

    /** A fire recorded under an idempotency key, and its schedule. */
    public record KeyedFire(UUID scheduleId, ScheduleFire fire) {
    }

    public Uni<Optional<KeyedFire>> fireByIdempotencyKey(SqlClient client, String key) {
        return client.preparedQuery("SELECT f.schedule_id, " + FIRE_COLUMNS + " FROM polling.schedule_fire f "
                        + "LEFT JOIN polling.read_batch b ON b.batch_id = f.batch_id WHERE f.idempotency_key = $1")
                .execute(Tuple.of(key))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new KeyedFire(
                        rows.iterator().next().getUUID("schedule_id"), fire(rows.iterator().next()))));
    }

    /** The read batch stored under an idempotency key ({@code POST /reads}, {@code POST /profiles/reads}), if any. */
    public Uni<Optional<UUID>> batchByIdempotencyKey(SqlClient client, String key) {
        return client.preparedQuery("SELECT batch_id FROM polling.read_batch WHERE idempotency_key = $1").execute(Tuple.of(key))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getUUID(0)));
    }

    /** The schedule's latest fires, newest first, with the size of each batch. */
    public Uni<List<ScheduleFire>> fires(UUID id, int limit) {
        return pool.preparedQuery("SELECT " + FIRE_COLUMNS + " FROM polling.schedule_fire f "
                        + "LEFT JOIN polling.read_batch b ON b.batch_id = f.batch_id "
                        + "WHERE f.schedule_id = $1 ORDER BY f.fired_at DESC, f.due_at DESC LIMIT $2")
                .execute(Tuple.of(id, limit))
                .map(rows -> {
                    List<ScheduleFire> out = new ArrayList<>();
                    rows.forEach(r -> out.add(fire(r)));
                    return out;
                });
    }

    private static ScheduleFire fire(Row r) {
        return new ScheduleFire(r.getOffsetDateTime("due_at").toInstant(), r.getOffsetDateTime("fired_at").toInstant(),
                r.getString("trigger"), r.getString("outcome"), r.getUUID("batch_id"), r.getInteger("requested"),
                r.getString("detail"), r.getString("replica"));
    }

    private StoredSchedule schedule(Row r) {
        String[] meters = r.getArrayOfStrings("group_meters");
        String[] tags = r.getArrayOfStrings("group_tags");
        return new StoredSchedule(r.getUUID("schedule_id"), r.getString("name"), new MeterGroup(r.getString("group_vendor"),
                tags == null ? null : List.of(tags), meters == null ? null : List.of(meters)), r.getString("job_kind"), read(r.getString("params")),
                r.getInteger("every_seconds"), r.getString("cron"), r.getString("time_zone"), r.getBoolean("enabled"),
                r.getOffsetDateTime("next_fire").toInstant(), r.getOffsetDateTime("created_at").toInstant(),
                r.getOffsetDateTime("updated_at").toInstant());
    }

    private static String[] tags(ScheduleSpec spec) {
        return spec.group().tags() == null ? null : spec.group().tags().toArray(String[]::new);
    }

    private static String[] meters(ScheduleSpec spec) {
        return spec.group().meterIds() == null ? null : spec.group().meterIds().toArray(String[]::new);
    }

    private String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
