package org.amihes.interop;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.amihes.dlms.capture.WireStats;

/**
 * A run's report: JSON (every meter, every case, evidence and facts) and Markdown per vendor (a meter × case matrix,
 * then each failure with its reason, class, code and frames, hex and decoded). Built from verdicts only, so the CLI
 * and the service (from its stored results) render the same report.
 */
public final class Reports {

    private Reports() {
    }

    public static JsonObject json(List<MeterVerdict> verdicts) {
        JsonArray meters = new JsonArray();
        for (MeterVerdict v : verdicts) {
            meters.add(json(v));
        }
        return new JsonObject().put("meters", meters).put("summary", summary(verdicts))
                .put("areas", areas());
    }

    public static JsonObject json(MeterVerdict v) {
        JsonArray cases = new JsonArray();
        for (CaseResult r : v.results()) {
            cases.add(json(r));
        }
        return new JsonObject().put("meterId", v.meterId()).put("vendor", v.vendor())
                .put("startedAt", v.startedAt() == null ? null : v.startedAt().toString()).put("durationMs", v.durationMs())
                .put("verdict", v.overall().name()).put("passed", v.count(Verdict.PASS))
                .put("failed", v.count(Verdict.FAIL)).put("skipped", v.count(Verdict.SKIPPED)).put("cases", cases)
                .put("wire", v.wire() == null ? null : json(v.wire()));
    }

    /** Bytes on the wire against application payload (the field manual's step 4). */
    public static JsonObject json(WireStats w) {
        return new JsonObject().put("links", w.links()).put("segments", w.segments())
                .put("payloadBytes", w.payloadBytes()).put("frames", w.frames()).put("framingBytes", w.framingBytes())
                .put("apduBytes", w.apduBytes()).put("ipHeaderBytes", w.ipHeaderBytes())
                .put("overhead", Math.round(w.overhead() * 1000) / 1000.0);
    }

    static WireStats wireFromJson(JsonObject w) {
        return w == null ? null : new WireStats(w.getLong("links", 0L), w.getLong("segments", 0L),
                w.getLong("payloadBytes", 0L), w.getLong("frames", 0L), w.getLong("apduBytes", 0L),
                w.getLong("ipHeaderBytes", 0L));
    }

    public static JsonObject json(CaseResult r) {
        JsonArray evidence = new JsonArray();
        for (Evidence e : r.evidence()) {
            evidence.add(new JsonObject().put("direction", e.direction()).put("hex", e.hex()).put("decoded", e.decoded()));
        }
        return new JsonObject().put("case", r.caseId()).put("area", r.area()).put("verdict", r.verdict().name())
                .put("reason", r.reason()).put("failureClass", r.failureClass()).put("code", r.code())
                .put("durationMs", r.durationMs()).put("facts", new JsonObject(new TreeMap<>(r.facts())))
                .put("evidence", evidence);
    }

    private static JsonObject summary(List<MeterVerdict> verdicts) {
        JsonObject byVerdict = new JsonObject();
        for (Verdict v : Verdict.values()) {
            byVerdict.put(v.name(), verdicts.stream().mapToLong(m -> m.count(v)).sum());
        }
        return new JsonObject().put("meters", verdicts.size())
                .put("metersFailed", verdicts.stream().filter(m -> m.overall() == Verdict.FAIL).count())
                .put("cases", byVerdict);
    }

    private static JsonArray areas() {
        JsonArray out = new JsonArray();
        for (Area a : Area.values()) {
            out.add(new JsonObject().put("area", a.label()).put("covers", a.description()));
        }
        return out;
    }

    /** A verdict back from {@link #json(MeterVerdict)}: what a service stored renders as the same report. */
    public static MeterVerdict fromJson(JsonObject m) {
        List<CaseResult> results = new ArrayList<>();
        JsonArray cases = m.getJsonArray("cases", new JsonArray());
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.getJsonObject(i);
            List<Evidence> evidence = new ArrayList<>();
            JsonArray ev = c.getJsonArray("evidence", new JsonArray());
            for (int j = 0; j < ev.size(); j++) {
                JsonObject e = ev.getJsonObject(j);
                evidence.add(new Evidence(e.getString("direction"), e.getString("hex"), e.getString("decoded")));
            }
            results.add(new CaseResult(c.getString("case"), c.getString("area"), Verdict.valueOf(c.getString("verdict")),
                    c.getString("reason"), c.getString("failureClass"), c.getString("code"), evidence,
                    c.getJsonObject("facts", new JsonObject()).getMap(), c.getLong("durationMs", 0L)));
        }
        String started = m.getString("startedAt");
        return new MeterVerdict(m.getString("meterId"), m.getString("vendor"),
                started == null ? null : java.time.Instant.parse(started), m.getLong("durationMs", 0L), results,
                wireFromJson(m.getJsonObject("wire")));
    }

    /** One section per vendor: which meter does what. */
    public static String markdown(String title, List<MeterVerdict> verdicts) {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        Map<String, List<MeterVerdict>> byVendor = new TreeMap<>();
        for (MeterVerdict v : verdicts) {
            byVendor.computeIfAbsent(v.vendor() == null ? "(unknown vendor)" : v.vendor(), k -> new ArrayList<>()).add(v);
        }
        md.append("Legend: PASS, **FAIL** (class, code), SKIP (reason below the table).\n\n");
        for (Map.Entry<String, List<MeterVerdict>> e : byVendor.entrySet()) {
            md.append("## ").append(e.getKey()).append("\n\n");
            List<String> caseIds = e.getValue().get(0).results().stream().map(CaseResult::caseId).toList();
            md.append("| meter |");
            caseIds.forEach(c -> md.append(' ').append(c).append(" |"));
            md.append("\n|---|");
            caseIds.forEach(c -> md.append("---|"));
            md.append('\n');
            for (MeterVerdict v : e.getValue()) {
                md.append("| ").append(v.meterId()).append(" |");
                for (CaseResult r : v.results()) {
                    md.append(' ').append(cell(r)).append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
            for (MeterVerdict v : e.getValue()) {
                for (CaseResult r : v.results()) {
                    if (r.verdict() == Verdict.PASS) {
                        continue;
                    }
                    md.append("- ").append(v.meterId()).append(" `").append(r.caseId()).append("` ")
                            .append(r.verdict()).append(r.failureClass() == null ? "" : " " + r.failureClass())
                            .append(": ").append(r.reason().replace("\n", " ")).append('\n');
                    for (Evidence ev : r.evidence()) {
                        md.append("  - ").append(ev.direction()).append(" `").append(ev.hex()).append("`\n");
                        md.append("    ```xml\n");
                        for (String line : ev.decoded().split("\n")) {
                            md.append("    ").append(line).append('\n');
                        }
                        md.append("    ```\n");
                    }
                }
            }
            md.append('\n');
            wire(md, e.getValue());
        }
        return md.toString();
    }

    /** Per meter: bytes on the wire against the APDU bytes they carried, from the capture counters. */
    private static void wire(StringBuilder md, List<MeterVerdict> verdicts) {
        if (verdicts.stream().allMatch(v -> v.wire() == null)) {
            return;
        }
        md.append("Bytes on the wire against application payload (all the meter's connections; both directions):\n\n")
                .append("| meter | connections | segments | TCP/UDP payload | frames | framing | APDU | IP+TCP/UDP headers "
                        + "| wire per APDU byte |\n|---|---|---|---|---|---|---|---|---|\n");
        for (MeterVerdict v : verdicts) {
            WireStats w = v.wire();
            if (w != null) {
                md.append(String.format(java.util.Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %d | %.2f |%n",
                        v.meterId(), w.links(), w.segments(), w.payloadBytes(), w.frames(), w.framingBytes(),
                        w.apduBytes(), w.ipHeaderBytes(), w.overhead()));
            }
        }
        md.append('\n');
    }

    private static String cell(CaseResult r) {
        return switch (r.verdict()) {
            case PASS -> "PASS";
            case SKIPPED -> "SKIP";
            case FAIL -> "**FAIL** " + r.failureClass() + (r.code() == null ? "" : " " + r.code());
        };
    }

    /** The bench verdict: one line per case, for a terminal. */
    public static String text(MeterVerdict v) {
        StringBuilder out = new StringBuilder();
        out.append("meter ").append(v.meterId()).append(v.vendor() == null ? "" : " (" + v.vendor() + ")").append('\n');
        for (CaseResult r : v.results()) {
            out.append(String.format("  %-8s %-36s %s%n", r.verdict(), r.caseId(),
                    (r.failureClass() == null ? "" : "[" + r.failureClass() + "] ") + r.reason()));
            if (r.failed()) {
                for (Evidence e : r.evidence()) {
                    out.append("           ").append(e.direction()).append(' ').append(e.hex()).append('\n');
                }
            }
        }
        if (v.wire() != null) {
            WireStats w = v.wire();
            out.append(String.format(java.util.Locale.ROOT, "wire: %d bytes of TCP/UDP payload (%d framing) and %d of "
                            + "IP+TCP/UDP headers carried %d APDU bytes in %d frames over %d connections: %.2f bytes per "
                            + "APDU byte%n", w.payloadBytes(), w.framingBytes(), w.ipHeaderBytes(), w.apduBytes(),
                    w.frames(), w.links(), w.overhead()));
        }
        out.append("verdict: ").append(v.overall()).append(" (").append(v.count(Verdict.PASS)).append(" passed, ")
                .append(v.count(Verdict.FAIL)).append(" failed, ").append(v.count(Verdict.SKIPPED)).append(" skipped)\n");
        return out.toString();
    }
}
