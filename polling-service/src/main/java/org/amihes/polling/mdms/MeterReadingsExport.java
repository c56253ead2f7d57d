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
import java.util.ArrayList;
import java.util.List;

/**
 * Stored register readings whose capture time is in {@code [from, to)} as an IEC 61968-9 {@code MeterReadings}
 * document, streamed in pages of {@value #PAGE} rows (keyset on meter, OBIS, time): the whole range is never in
 * memory. One {@code MeterReading} per meter, one {@code Readings} per value with its {@code ReadingType} and
 * {@code timeStamp}.
 */
@ApplicationScoped
public class MeterReadingsExport {

    static final int PAGE = 1000;
    static final String NS = "http://iec.ch/TC57/2011/MeterReadings#";

    private final Pool pool;

    public MeterReadingsExport(Pool pool) {
        this.pool = pool;
    }

    private record Key(String meterId, String obis, OffsetDateTime time) {
    }

    /** Where the stream stands: the last row written and the meter whose element is open. */
    private static final class Cursor {
        Key last = new Key("", "", Instant.EPOCH.atOffset(ZoneOffset.UTC));
        String openMeter;
        boolean finished;
    }

    public Multi<String> export(Instant from, Instant to) {
        Cursor cursor = new Cursor();
        Multi<String> body = Multi.createBy().repeating().uni(() -> cursor, c -> page(c, from, to))
                .whilst(chunk -> !cursor.finished)
                .filter(chunk -> !chunk.isEmpty());
        Multi<String> tail = Multi.createFrom().item(() -> (cursor.openMeter != null ? "</m:MeterReading>\n" : "")
                + "</m:MeterReadings>\n");
        return Multi.createBy().concatenating().streams(
                Multi.createFrom().item("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<m:MeterReadings xmlns:m=\"" + NS + "\">\n"),
                body, tail);
    }

    private Uni<String> page(Cursor c, Instant from, Instant to) {
        return pool.preparedQuery("SELECT meter_id, obis, meter_time, value, unit FROM polling.reading "
                        + "WHERE meter_time >= $1 AND meter_time < $2 AND (meter_id, obis, meter_time) > ($3, $4, $5) "
                        + "ORDER BY meter_id, obis, meter_time LIMIT " + PAGE)
                .execute(Tuple.of(from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC), c.last.meterId(),
                        c.last.obis(), c.last.time()))
                .map(rows -> {
                    StringBuilder xml = new StringBuilder(rows.size() * 200);
                    List<Row> list = new ArrayList<>(rows.size());
                    rows.forEach(list::add);
                    for (Row r : list) {
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
                        c.last = new Key(meter, r.getString("obis"), t);
                    }
                    if (list.size() < PAGE) {
                        c.finished = true;
                    }
                    return xml.toString();
                });
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
