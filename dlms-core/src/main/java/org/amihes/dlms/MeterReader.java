package org.amihes.dlms;

import gurux.dlms.enums.ErrorCode;
import gurux.dlms.enums.Unit;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSRegister;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.amihes.dlms.failure.Classifier;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;

/**
 * The register read: associate, read each register's value and scaler/unit plus the clock (in one GET-with-list
 * when the meter allows it, one GET each otherwise), release. Non-blocking; sessions spread over {@link EventLoops}.
 */
public final class MeterReader {

    public static final String CLOCK = "0.0.1.0.0.255";

    private final MeterAssociations associations;

    public MeterReader(Vertx vertx, EventLoops loops, Transports transports) {
        this.associations = new MeterAssociations(vertx, loops, transports);
    }

    /**
     * A ciphered read whose invocation counter comes from {@code counters} ({@link MeterAssociations}).
     */
    public Future<MeterReading> read(String meterId, SessionSettings settings, List<String> registerObis,
                                     InvocationCounterStore counters) {
        return associations.run(meterId, settings, counters, session -> readRegisters(session, registerObis))
                .map(MeterReader::reading);
    }

    /**
     * Names the counter a meter keeps for our client under one key: the client system title (each client has its
     * own counter) and the suite (suite 2's key is another key). URL-safe, so stores may use it in paths.
     */
    public static String counterKeyId(SecuritySettings security) {
        return HexFormat.of().formatHex(security.clientSystemTitle()) + "-suite" + security.suite();
    }

    public Future<MeterReading> read(SessionSettings settings, List<String> registerObis) {
        return associations.run(settings, session -> readRegisters(session, registerObis)).map(MeterReader::reading);
    }

    private static MeterReading reading(MeterAssociations.Done<MeterReading> done) {
        return done.value().withInvocationCounter(done.nextInvocationCounter()).withWarnings(done.warnings());
    }

    /**
     * The registers' values and scaler/units and the clock, in an open association: in one GET-with-list when the
     * meter allows it, one GET each otherwise.
     */
    public static Future<MeterReading> readRegisters(DlmsSession session, List<String> registerObis) {
        GXDLMSClock clock = new GXDLMSClock(CLOCK);
        List<GXDLMSRegister> registers = registerObis.stream().map(GXDLMSRegister::new).toList();
        List<Map.Entry<GXDLMSObject, Integer>> attributes = new ArrayList<>();
        for (GXDLMSRegister r : registers) {
            attributes.add(new AbstractMap.SimpleEntry<>(r, 3));
            attributes.add(new AbstractMap.SimpleEntry<>(r, 2));
        }
        attributes.add(new AbstractMap.SimpleEntry<>(clock, 2));

        Future<List<Object>> values = session.supportsGetWithList()
                ? session.readList(attributes)
                : readOneByOne(session, attributes);
        return values.map(v -> {
            List<MeterReading.Register> out = new ArrayList<>(registers.size());
            for (int i = 0; i < registers.size(); i++) {
                out.add(register(registerObis.get(i), v.get(2 * i), v.get(2 * i + 1), session));
            }
            checkNoError(CLOCK, v.get(v.size() - 1), session);
            List<String> warnings = out.stream().filter(r -> r.raw().signum() == 0)
                    .map(r -> FailureCode.NULL_VALUE.code() + ": " + r.obis() + " reads 0: the meter's metrology may "
                            + "not be mapped to this object (a new meter reads 0 too)").toList();
            if (clock.getTime() == null || clock.getTime().getValue() == null) {
                throw vendor(FailureCode.NULL_VALUE, CLOCK + " returned no time", session);
            }
            Instant meterTime = clock.getTime().getValue().toInstant();
            return new MeterReading(meterTime, out, null, warnings);
        });
    }

    private static Future<List<Object>> readOneByOne(DlmsSession session, List<Map.Entry<GXDLMSObject, Integer>> attributes) {
        List<Object> values = new ArrayList<>(attributes.size());
        Future<Void> chain = Future.succeededFuture();
        for (Map.Entry<GXDLMSObject, Integer> a : attributes) {
            chain = chain.compose(v -> session.read(a.getKey(), a.getValue()).map(value -> {
                values.add(value);
                return null;
            }));
        }
        return chain.map(v -> values);
    }

    private static MeterReading.Register register(String obis, Object scalerUnit, Object value, DlmsSession session) {
        checkNoError(obis, scalerUnit, session);
        checkNoError(obis, value, session);
        if (!(scalerUnit instanceof List<?> su) || su.size() != 2 || !(su.get(0) instanceof Number scaler)
                || !(su.get(1) instanceof Number unit)) {
            throw vendor(FailureCode.UNEXPECTED_VALUE, obis + " scaler_unit is not {integer, enum}: " + scalerUnit, session);
        }
        if (value == null) {
            throw vendor(FailureCode.NULL_VALUE, obis + " returned null-data: the meter does not map its metrology "
                    + "to this COSEM object", session);
        }
        if (!(value instanceof Number number)) {
            throw vendor(FailureCode.UNEXPECTED_VALUE, obis + " value is " + value.getClass().getSimpleName()
                    + ", not a number", session);
        }
        Unit u = Unit.forValue(unit.intValue());
        Unit expected = ObisQuantities.unitOf(obis);
        if (expected != null && u != expected) {
            throw vendor(FailureCode.UNEXPECTED_VALUE, obis + " reports unit " + (u == null ? unit : u) + " where "
                    + "its OBIS code means " + expected + ": the vendor's object map is wrong", session);
        }
        return new MeterReading.Register(obis, toDecimal(number), scaler.intValue(), DlmsUnits.symbol(unit.intValue()));
    }

    private static void checkNoError(String obis, Object value, DlmsSession session) {
        if (value instanceof ErrorCode error) {
            throw new DlmsException(Classifier.ofDataAccessResult(error.getValue()), obis + ": " + error,
                    session.exchange(), null);
        }
    }

    private static DlmsException vendor(FailureCode code, String detail, DlmsSession session) {
        return new DlmsException(code, detail, session.exchange(), null);
    }

    private static BigDecimal toDecimal(Number n) {
        if (n instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof Double || n instanceof Float) {
            return BigDecimal.valueOf(n.doubleValue());
        }
        return BigDecimal.valueOf(n.longValue());
    }
}
