package org.amihes.polling.mdms;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.amihes.contracts.MdmsReading;
import org.amihes.polling.PollingConfig;
import org.jboss.logging.Logger;

/**
 * Relays the MDMS outbox, each channel on its own: a pass claims the channel's oldest rows, each up to 500 readings
 * ({@code FOR UPDATE SKIP LOCKED}: replicas never publish the same row at once), publishes their readings, and deletes them in
 * the same transaction once the channel's broker took every one; otherwise the transaction rolls back and the rows
 * wait for the next pass. So a reading is published at least once per channel, and more than once only when a
 * confirm or PUBACK was lost (a crash or a broken connection mid-pass): then again under the same dedup key. A row the
 * MDMS contract refuses is set aside (column {@code rejected}, with the reason) by a pass that publishes nothing, so it
 * is marked before the rows after it go out and never holds them back.
 */
@ApplicationScoped
public class MdmsRelay {

    private static final Logger LOG = Logger.getLogger(MdmsRelay.class);

    private final Pool pool;
    private final Vertx vertx;
    private long timer = -1;
    private final List<MdmsChannel> channels;
    private final PollingConfig.Mdms config;
    private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicBoolean> again = new ConcurrentHashMap<>();

    public MdmsRelay(Pool pool, Vertx vertx, PollingConfig config, RabbitMdmsChannel rabbit, MqttMdmsChannel mqtt) {
        this.pool = pool;
        this.vertx = vertx;
        this.config = config.mdms();
        List<MdmsChannel> enabled = new ArrayList<>();
        if (this.config.amqp().enabled()) {
            enabled.add(rabbit);
        }
        if (this.config.mqtt().enabled()) {
            enabled.add(mqtt);
        }
        this.channels = List.copyOf(enabled);
        channels.forEach(c -> {
            running.put(c.name(), new AtomicBoolean());
            again.put(c.name(), new AtomicBoolean());
        });
    }

    void onStart(@Observes StartupEvent event) {
        if (!channels.isEmpty()) {
            timer = vertx.setPeriodic(config.interval().toMillis(), id -> kick());
        }
    }

    void onStop(@Observes io.quarkus.runtime.ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    /** Publishes what the outbox holds now, on every channel (readings were just stored). */
    public void kick() {
        channels.forEach(this::kick);
    }

    private void kick(MdmsChannel channel) {
        if (!channel.ready()) {
            return;
        }
        AtomicBoolean busy = running.get(channel.name());
        if (!busy.compareAndSet(false, true)) {
            again.get(channel.name()).set(true);
            return;
        }
        // every channel windows its own sends (MQTT by max-inflight), so a pass claims batch-size rows on each
        int claim = config.batchSize();
        pass(channel, claim).subscribe().with(more -> {
            busy.set(false);
            if (more || again.get(channel.name()).getAndSet(false)) {
                kick(channel);
            }
        }, e -> {
            busy.set(false);
            LOG.warnf("MDMS %s: readings not published yet (%s); retrying", channel.name(), e.getMessage());
        });
    }

    /**
     * One pass over the channel's oldest rows; answers whether another pass should follow at once (the claim was full,
     * or rows were set aside). Rows the MDMS contract refuses are set aside in a pass of their own, committed before any
     * row after them is published: whoever sees those readings sees the refused rows marked.
     */
    private Uni<Boolean> pass(MdmsChannel channel, int claim) {
        return pool.withTransaction(conn -> conn
                .preparedQuery("SELECT id, kind, meter_id, profile, obis, capture_time, value, raw, scaler, unit, "
                        + "status, source, stored_at FROM polling.mdms_outbox WHERE channel = $1 AND rejected IS NULL "
                        + "ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(channel.name(), claim))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(false);
                    }
                    List<Long> ids = new ArrayList<>(rows.size());
                    List<Long> refusedIds = new ArrayList<>();
                    List<String> reasons = new ArrayList<>();
                    List<MdmsReading> readings = new ArrayList<>(rows.size() * MdmsOutbox.PER_ROW);
                    for (Row r : rows) {
                        List<MdmsReading> of = new ArrayList<>(MdmsOutbox.PER_ROW);
                        try {
                            readings(r, of);
                        } catch (RuntimeException refused) {
                            // a row the MDMS contract refuses would fail every pass and hold back every row after it:
                            // kept aside with the reason, never published, and said
                            refusedIds.add(r.getLong("id"));
                            reasons.add(refused.toString());
                            LOG.errorf("MDMS %s: outbox row %d refused by the MDMS contract, kept aside (rejected): %s",
                                    channel.name(), r.getLong("id"), refused);
                            continue;
                        }
                        ids.add(r.getLong("id"));
                        readings.addAll(of);
                    }
                    if (!refusedIds.isEmpty()) {
                        return conn.preparedQuery("UPDATE polling.mdms_outbox o SET rejected = r.reason FROM "
                                        + "unnest($1::bigint[], $2::text[]) AS r(id, reason) WHERE o.id = r.id")
                                .execute(Tuple.of(refusedIds.toArray(Long[]::new), reasons.toArray(String[]::new)))
                                .replaceWith(true);
                    }
                    return Uni.createFrom().completionStage(() -> channel.publish(readings))
                            .chain(() -> conn.preparedQuery("DELETE FROM polling.mdms_outbox WHERE id = ANY($1)")
                                    .execute(Tuple.of(ids.toArray(Long[]::new))))
                            .replaceWith(rows.size() == claim);
                }));
    }

    /** The readings of one outbox row (its fields are parallel arrays), in the order they were stored. */
    static void readings(Row r, List<MdmsReading> into) {
        MdmsReading.Kind kind = MdmsReading.Kind.valueOf(r.getString("kind"));
        String[] meterIds = r.getArrayOfStrings("meter_id");
        String[] profiles = r.getArrayOfStrings("profile");
        String[] obis = r.getArrayOfStrings("obis");
        java.time.OffsetDateTime[] captures = r.getArrayOfOffsetDateTimes("capture_time");
        java.math.BigDecimal[] values = r.getArrayOfBigDecimals("value");
        java.math.BigDecimal[] raws = r.getArrayOfBigDecimals("raw");
        Integer[] scalers = r.getArrayOfIntegers("scaler");
        String[] units = r.getArrayOfStrings("unit");
        String[] statuses = r.getArrayOfStrings("status");
        String[] sources = r.getArrayOfStrings("source");
        java.time.OffsetDateTime[] storedAt = r.getArrayOfOffsetDateTimes("stored_at");
        for (int i = 0; i < meterIds.length; i++) {
            into.add(new MdmsReading(null, kind, meterIds[i], profiles[i], obis[i], captures[i].toInstant(), values[i],
                    units[i], raws[i], scalers[i], statuses[i], sources[i], storedAt[i].toInstant()));
        }
    }
}
