package org.amihes.interop;

import gurux.dlms.GXDateTime;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.interop.TransportCases.Simple;

/** Data services by logical name beyond a plain GET: block transfer and selective access on the load profile. */
final class ServiceCases {

    private ServiceCases() {
    }

    /** Enough load-profile rows to need several blocks at any PDU size the plan proposes (~25 bytes a row). */
    static final int BLOCK_ROWS = 200;
    /** Rows the range case asks for: the last five completed capture periods. */
    static final int RANGE_ROWS = 5;
    static final int ENTRY_ROWS = 3;

    static final InteropCase BLOCK_TRANSFER = new Simple("services.block-transfer", Area.SERVICES,
            "an answer longer than the negotiated PDU arrives by block transfer and decodes whole") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            MeterDeclaration d = probe.target().declaration();
            String skip = needsProfile(probe, d);
            if (skip != null) {
                return Future.succeededFuture(Outcome.skipped(skip));
            }
            GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(d.loadProfileObis());
            return probe.inPublic(session -> session.readRowsByEntry(pg, 1, BLOCK_ROWS).map(rows -> {
                long blocks = session.exchange().stream().filter(f -> isBlock(f, session)).count();
                Map<String, Object> facts = new LinkedHashMap<>();
                facts.put("rows", rows.size());
                facts.put("blockFrames", blocks);
                facts.put("maxPduSize", session.negotiatedMaxPduSize());
                if (rows.size() != BLOCK_ROWS) {
                    return Outcome.fail(FailureCode.UNEXPECTED_VALUE, "asked for entries 1.." + BLOCK_ROWS + " of "
                            + d.loadProfileObis() + ", got " + rows.size() + " rows", session.exchange(), facts);
                }
                if (blocks == 0) {
                    return Outcome.fail(FailureCode.UNEXPECTED_PDU, BLOCK_ROWS + " rows came without a block "
                            + "(Get-Response-With-Datablock or general block transfer) although longer than the PDU",
                            session.exchange(), facts);
                }
                return Outcome.pass(rows.size() + " rows in " + blocks + " block frames (PDU "
                        + session.negotiatedMaxPduSize() + ")", facts);
            })).otherwise(Outcome::failed);
        }
    };

    static final InteropCase SELECTIVE_RANGE = new Simple("services.selective-range", Area.SERVICES,
            "selective access by range returns exactly the rows of the asked period, inclusive") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            MeterDeclaration d = probe.target().declaration();
            String skip = needsProfile(probe, d);
            if (skip != null) {
                return Future.succeededFuture(Outcome.skipped(skip));
            }
            long period = d.loadProfilePeriodSeconds();
            GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(d.loadProfileObis());
            GXDLMSClock clock = new GXDLMSClock(d.clockObis());
            return probe.inPublic(session -> session.read(clock, 2).compose(v -> {
                long now = clock.getTime().getValue().toInstant().getEpochSecond();
                Instant to = Instant.ofEpochSecond(Math.floorDiv(now, period) * period - period);
                Instant from = to.minusSeconds((RANGE_ROWS - 1) * period);
                return session.readRowsByRange(pg, from, to).map(rows -> {
                    List<Instant> expected = new ArrayList<>();
                    for (int i = 0; i < RANGE_ROWS; i++) {
                        expected.add(from.plusSeconds(i * period));
                    }
                    return judge(rows, expected, "range " + from + " .. " + to, session);
                });
            })).otherwise(Outcome::failed);
        }
    };

    static final InteropCase SELECTIVE_ENTRY = new Simple("services.selective-entry", Area.SERVICES,
            "selective access by entry returns the asked entries, one capture period apart") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            MeterDeclaration d = probe.target().declaration();
            String skip = needsProfile(probe, d);
            if (skip != null) {
                return Future.succeededFuture(Outcome.skipped(skip));
            }
            long period = d.loadProfilePeriodSeconds();
            GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(d.loadProfileObis());
            return probe.inPublic(session -> session.readRowsByEntry(pg, 1, ENTRY_ROWS).map(rows -> {
                if (rows.isEmpty() || !(rows.get(0)[0] instanceof GXDateTime first)) {
                    return Outcome.fail(FailureCode.UNEXPECTED_VALUE, "entries 1.." + ENTRY_ROWS + " came back as "
                            + rows.size() + " rows without a capture time", session.exchange(), Map.of());
                }
                Instant start = first.getMeterCalendar().toInstant();
                List<Instant> expected = new ArrayList<>();
                for (int i = 0; i < ENTRY_ROWS; i++) {
                    expected.add(start.plusSeconds(i * period));
                }
                return judge(rows, expected, "entries 1.." + ENTRY_ROWS, session);
            })).otherwise(Outcome::failed);
        }
    };

    private static Outcome judge(List<Object[]> rows, List<Instant> expected, String asked, DlmsSession session) {
        List<String> got = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            got.add(row.length > 0 && row[0] instanceof GXDateTime t ? t.getMeterCalendar().toInstant().toString()
                    : String.valueOf(row.length > 0 ? row[0] : null));
        }
        List<String> want = expected.stream().map(Instant::toString).toList();
        Map<String, Object> facts = Map.of("asked", asked, "captureTimes", got);
        if (!got.equals(want)) {
            return Outcome.fail(FailureCode.UNEXPECTED_VALUE, asked + ": expected captures at " + want + ", got " + got,
                    session.exchange(), facts);
        }
        return Outcome.pass(asked + ": " + rows.size() + " rows at the expected capture times", facts);
    }

    private static String needsProfile(ProbeContext probe, MeterDeclaration d) {
        if (d == null) {
            return ObjectCases.noDeclaration(probe);
        }
        if (d.loadProfileObis() == null) {
            return "the declaration of " + d.vendor() + " names no load profile";
        }
        if (!d.selectiveAccess()) {
            return "the declaration of " + d.vendor() + " does not claim selective access";
        }
        return null;
    }

    /** A frame from the meter carrying a Get-Response-With-Datablock (C4 02) or a general-block-transfer APDU (E0). */
    static boolean isBlock(String frame, DlmsSession session) {
        if (!frame.startsWith("RX ")) {
            return false;
        }
        String hex = frame.substring(3);
        if (session.settings().transport() == TransportKind.TCP_HDLC) {
            return hex.contains("E6E700C402") || hex.contains("E6E700E0");
        }
        String apdu = hex.length() > 16 ? hex.substring(16) : "";
        return apdu.startsWith("C402") || apdu.startsWith("E0");
    }
}
