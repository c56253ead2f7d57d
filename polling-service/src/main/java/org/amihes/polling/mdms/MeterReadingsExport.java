package org.amihes.polling.mdms;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Stored readings whose capture time is in {@code [from, to)} as an IEC 61968-9 {@code MeterReadings} document,
 * streamed in pages of {@value #PAGE} rows (keyset): the whole range is never in memory. First the register readings:
 * one {@code MeterReading} per meter, one {@code Readings} per value with its {@code ReadingType} and
 * {@code timeStamp}. Then the load-profile intervals: one {@code MeterReading} per meter, one {@code IntervalBlocks}
 * per profile channel (its {@code ReadingType} carries the capture period as measuringPeriod) with one
 * {@code IntervalReadings} per capture time, and the meter's {@code Meter/mRID} after the blocks, as the schema orders
 * them.
 */
@ApplicationScoped
public class MeterReadingsExport {

    static final int PAGE = 1000;
    static final String NS = "http://iec.ch/TC57/2011/MeterReadings#";

    private final Pool pool;

    public MeterReadingsExport(Pool pool) {
        this.pool = pool;
    }

    /** A row's key: meter, series (register: OBIS code; interval: profile, channel), time. */
    private record Key(String meterId, String series, String channel, OffsetDateTime time) {
        static Key first() {
            return new Key("", "", "", Instant.EPOCH.atOffset(ZoneOffset.UTC));
        }
    }

    /** Where the stream stands: the phase, the last row written, the meter and interval block that are open. */
    private static final class Cursor {
        boolean intervals;
        Key last = Key.first();
        String openMeter;
        String openBlock;
        String openBlockType;
        boolean finished;
    }

    public Multi<String> export(Instant from, Instant to) {
        Cursor cursor = new Cursor();
        Multi<String> body = Multi.createBy().repeating().uni(() -> cursor, c -> c.intervals ? intervals(c, from, to)
                        : registers(c, from, to))
                .whilst(chunk -> !cursor.finished)
                .filter(chunk -> !chunk.isEmpty());
        Multi<String> tail = Multi.createFrom().item(() -> closeIntervalMeter(cursor) + "</m:MeterReadings>\n");
        return Multi.createBy().concatenating().streams(
                Multi.createFrom().item("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<m:MeterReadings xmlns:m=\"" + NS + "\">\n"),
                body, tail);
    }

    private Uni<String> registers(Cursor c, Instant from, Instant to) {
        return pool.preparedQuery("SELECT meter_id, obis, meter_time, value, unit FROM polling.reading "
                        + "WHERE meter_time >= $1 AND meter_time < $2 AND (meter_id, obis, meter_time) > ($3, $4, $5) "
                        + "ORDER BY meter_id, obis, meter_time LIMIT " + PAGE)
                .execute(Tuple.of(from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC), c.last.meterId(),
                        c.last.series(), c.last.time()))
                .map(rows -> {
                    StringBuilder xml = new StringBuilder(rows.size() * 200);
                    for (Row r : rows) {
                        String meter = r.getString("meter_id");
                        if (!meter.equals(c.openMeter)) {
                            if (c.openMeter != null) {
                                xml.append("</m:MeterReading>\n");
                            }
                            xml.append("<m:MeterReading><m:Meter><m:mRID>").append(escape(meter)).append("</m:mRID></m:Meter>\n");
                            c.openMeter = meter;
                        }
                        OffsetDateTime t = r.getOffsetDateTime("meter_time");
                        xml.append("<m:Readings><m:ReadingType ref=\"").append(escape(CimReadingTypes.of(r.getString("obis"))))
                                .append("\"/><m:timeStamp>").append(t.toInstant()).append("</m:timeStamp><m:value>")
                                .append(r.getBigDecimal("value").toPlainString()).append("</m:value></m:Readings>\n");
                        c.last = new Key(meter, r.getString("obis"), "", t);
                    }
                    if (rows.size() < PAGE) {
                        // registers done: the intervals next
                        if (c.openMeter != null) {
                            xml.append("</m:MeterReading>\n");
                        }
                        c.openMeter = null;
                        c.intervals = true;
                        c.last = Key.first();
                    }
                    return xml.toString();
                });
    }

    private Uni<String> intervals(Cursor c, Instant from, Instant to) {
        // blocks are per channel: meter, profile, channel, time (the primary key's index serves meter and profile)
        return pool.preparedQuery("SELECT i.meter_id, i.profile, i.channel, i.captured_at, i.value, mp.capture_period_s "
                        + "FROM polling.profile_interval i LEFT JOIN polling.meter_profile mp ON mp.meter_id = i.meter_id "
                        + "AND mp.profile = i.profile WHERE i.captured_at >= $1 AND i.captured_at < $2 AND i.value IS NOT NULL "
                        + "AND (i.meter_id, i.profile, i.channel, i.captured_at) > ($3, $4, $5, $6) "
                        + "ORDER BY i.meter_id, i.profile, i.channel, i.captured_at LIMIT " + PAGE)
                .execute(Tuple.tuple(List.of(from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC), c.last.meterId(),
                        c.last.series(), c.last.channel(), c.last.time())))
                .map(rows -> {
                    StringBuilder xml = new StringBuilder(rows.size() * 120);
                    for (Row r : rows) {
                        String meter = r.getString("meter_id");
                        String series = r.getString("profile") + " " + r.getString("channel");
                        if (!meter.equals(c.openMeter)) {
                            xml.append(closeIntervalMeter(c));
                            xml.append("<m:MeterReading>\n");
                            c.openMeter = meter;
                        }
                        if (!series.equals(c.openBlock)) {
                            xml.append(closeBlock(c));
                            Integer period = r.getInteger("capture_period_s");
                            xml.append("<m:IntervalBlocks>\n");
                            c.openBlock = series;
                            c.openBlockType = CimReadingTypes.ofInterval(r.getString("channel"),
                                    period == null ? null : period.longValue());
                        }
                        OffsetDateTime t = r.getOffsetDateTime("captured_at");
                        xml.append("<m:IntervalReadings><m:timeStamp>").append(t.toInstant()).append("</m:timeStamp><m:value>")
                                .append(r.getBigDecimal("value").toPlainString()).append("</m:value></m:IntervalReadings>\n");
                        c.last = new Key(meter, r.getString("profile"), r.getString("channel"), t);
                    }
                    if (rows.size() < PAGE) {
                        c.finished = true;
                    }
                    return xml.toString();
                });
    }

    /** Closes the open interval block and meter: the meter's reference comes after its blocks. */
    private static String closeIntervalMeter(Cursor c) {
        if (c.openMeter == null) {
            return "";
        }
        String out = closeBlock(c) + "<m:Meter><m:mRID>" + escape(c.openMeter) + "</m:mRID></m:Meter></m:MeterReading>\n";
        c.openMeter = null;
        return out;
    }

    /** Closes the open interval block: its ReadingType after its readings, as the schema orders them. */
    private static String closeBlock(Cursor c) {
        if (c.openBlock == null) {
            return "";
        }
        String out = "<m:ReadingType ref=\"" + escape(c.openBlockType) + "\"/></m:IntervalBlocks>\n";
        c.openBlock = null;
        return out;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
