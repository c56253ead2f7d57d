package org.amihes.interop;

import gurux.dlms.objects.GXDLMSAssociationLogicalName;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.amihes.dlms.MeterReader;
import org.amihes.dlms.MeterReading;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.interop.TransportCases.Simple;

/** The object model: the object list against the declaration, and the mandatory objects mapped and meaningful. */
final class ObjectCases {

    private ObjectCases() {
    }

    static final InteropCase LIST = new Simple("objects.list", Area.OBJECTS,
            "the association's object list holds every object the vendor declares") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            MeterDeclaration d = probe.target().declaration();
            if (d == null) {
                return Future.succeededFuture(Outcome.skipped(noDeclaration(probe)));
            }
            GXDLMSAssociationLogicalName association = new GXDLMSAssociationLogicalName(Obis.CURRENT_ASSOCIATION);
            return probe.inPublic(session -> session.read(association, 2).map(v -> {
                TreeSet<String> listed = new TreeSet<>();
                for (GXDLMSObject o : association.getObjectList()) {
                    listed.add(o.getLogicalName());
                }
                TreeSet<String> missing = new TreeSet<>(d.objects());
                missing.removeAll(listed);
                Map<String, Object> facts = new LinkedHashMap<>();
                facts.put("objectsListed", listed.size());
                facts.put("objectsDeclared", d.objects().size());
                if (!missing.isEmpty()) {
                    facts.put("missing", List.copyOf(missing));
                    return Outcome.fail(FailureCode.OBJECT_UNDEFINED, "the object list of " + Obis.CURRENT_ASSOCIATION
                            + " lacks " + missing + " that the declaration of " + d.vendor() + " names",
                            session.exchange(), facts);
                }
                return Outcome.pass(listed.size() + " objects listed, all " + d.objects().size() + " declared ones among "
                        + "them", facts);
            })).otherwise(Outcome::failed);
        }
    };

    static final InteropCase ENERGY = new Simple("objects.energy", Area.OBJECTS,
            "active energy import (1.0.1.8.0.255) returns a value with scaler and unit, not null nor 0") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            MeterDeclaration d = probe.target().declaration();
            String obis = d == null ? Obis.ENERGY : d.energyObis();
            return probe.inPublic(session -> MeterReader.readRegisters(session, List.of(obis)).map(reading -> {
                MeterReading.Register r = reading.registers().get(0);
                Map<String, Object> facts = new LinkedHashMap<>();
                facts.put("obis", obis);
                facts.put("raw", r.raw().toPlainString());
                facts.put("scaler", r.scaler());
                facts.put("unit", r.unit());
                facts.put("value", r.value().toPlainString());
                if (r.raw().signum() == 0) {
                    return Outcome.fail(FailureCode.NULL_VALUE, obis + " reads 0 (\"0000\"): the meter's metrology is "
                            + "not mapped to this COSEM object", session.exchange(), facts);
                }
                return Outcome.pass(obis + " = " + r.value().toPlainString() + " " + r.unit() + " (raw " + r.raw()
                        + ", scaler " + r.scaler() + ")", facts);
            })).otherwise(Outcome::failed);
        }
    };

    static final InteropCase CLOCK = new Simple("objects.clock", Area.OBJECTS,
            "the clock (0.0.1.0.0.255) returns a date-time") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            MeterDeclaration d = probe.target().declaration();
            String obis = d == null ? Obis.CLOCK : d.clockObis();
            GXDLMSClock clock = new GXDLMSClock(obis);
            return probe.inPublic(session -> session.read(clock, 2).map(v -> {
                if (clock.getTime() == null || clock.getTime().getValue() == null) {
                    return Outcome.fail(FailureCode.NULL_VALUE, obis + " returned no time", session.exchange(), Map.of());
                }
                Instant meterTime = clock.getTime().getValue().toInstant();
                long deviation = Duration.between(probe.options().clock().instant(), meterTime).toSeconds();
                return Outcome.pass("meter time " + meterTime + " (" + deviation + " s from the head-end's clock)",
                        Map.of("meterTime", meterTime.toString(), "deviationSeconds", deviation));
            })).otherwise(Outcome::failed);
        }
    };

    static final InteropCase FIRMWARE_ID = new Simple("objects.firmware-id", Area.OBJECTS,
            "the active firmware identifier (1.0.0.2.0.255) is a non-empty string") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            MeterDeclaration d = probe.target().declaration();
            String obis = d == null ? Obis.FIRMWARE : d.firmwareObis();
            return probe.inPublic(session -> session.read(new GXDLMSData(obis), 2).map(value -> {
                String id = text(value);
                if (id == null || id.isBlank()) {
                    return Outcome.fail(FailureCode.NULL_VALUE, obis + " returned no identifier (" + value + ")",
                            session.exchange(), Map.of());
                }
                return Outcome.pass("firmware " + id, Map.of("firmware", id));
            })).otherwise(Outcome::failed);
        }
    };

    static final InteropCase LOAD_PROFILE = new Simple("objects.load-profile", Area.OBJECTS,
            "the load profile captures the clock and the energy register at the declared period") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            MeterDeclaration d = probe.target().declaration();
            if (d == null || d.loadProfileObis() == null) {
                return Future.succeededFuture(Outcome.skipped(d == null ? noDeclaration(probe)
                        : "the declaration of " + d.vendor() + " names no load profile"));
            }
            GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(d.loadProfileObis());
            return probe.inPublic(session -> session.read(pg, 3).compose(v -> session.read(pg, 4)).map(v -> {
                List<String> captured = pg.getCaptureObjects().stream().map(e -> e.getKey().getLogicalName()).toList();
                long period = pg.getCapturePeriod();
                Map<String, Object> facts = new LinkedHashMap<>();
                facts.put("captureObjects", captured);
                facts.put("capturePeriodSeconds", period);
                if (!captured.contains(d.clockObis()) || !captured.contains(d.energyObis())) {
                    return Outcome.fail(FailureCode.UNEXPECTED_VALUE, d.loadProfileObis() + " captures " + captured
                            + ", not the clock " + d.clockObis() + " and the energy " + d.energyObis(),
                            session.exchange(), facts);
                }
                if (period != d.loadProfilePeriodSeconds()) {
                    return Outcome.fail(FailureCode.UNEXPECTED_VALUE, d.loadProfileObis() + " captures every " + period
                            + " s, the declaration says " + d.loadProfilePeriodSeconds() + " s", session.exchange(), facts);
                }
                return Outcome.pass(d.loadProfileObis() + " captures " + captured + " every " + period + " s", facts);
            })).otherwise(Outcome::failed);
        }
    };

    static String noDeclaration(ProbeContext probe) {
        return "no declaration for vendor '" + probe.target().vendor() + "': nothing to compare the meter's answer with";
    }

    static String text(Object value) {
        if (value instanceof byte[] b) {
            return new String(b, StandardCharsets.US_ASCII);
        }
        return value == null ? null : value.toString();
    }
}
