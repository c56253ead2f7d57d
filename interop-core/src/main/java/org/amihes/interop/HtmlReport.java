package org.amihes.interop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run as one self-contained HTML page (inline CSS and SVG, no script, no external asset): the vendor × case matrix,
 * then per vendor a meter × case matrix, every failure with its evidence (frames hex and decoded) and per meter an
 * SVG latency plot (each case's duration; the transport.latency case's per-GET samples against its budget).
 * Matrix cells carry {@code data-vendor}, {@code data-meter}, {@code data-case} and {@code data-verdict} so a
 * browser test can read them back. Meters past {@link #DETAILED_METERS} appear in the matrices only.
 */
public final class HtmlReport {

    /** Meters with evidence and a latency plot; the rest are in the matrices (and the JSON report) only. */
    public static final int DETAILED_METERS = 200;

    private HtmlReport() {
    }

    public static String render(String title, List<MeterVerdict> verdicts) {
        Map<String, List<MeterVerdict>> byVendor = new TreeMap<>();
        for (MeterVerdict v : verdicts) {
            byVendor.computeIfAbsent(vendor(v), k -> new ArrayList<>()).add(v);
        }
        List<String> cases = caseIds(verdicts);
        StringBuilder h = new StringBuilder(4096 + verdicts.size() * 2048);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(title)).append("</title><style>").append(CSS).append("</style></head>\n<body>\n")
                .append("<h1>").append(esc(title)).append("</h1>\n");
        summary(h, verdicts);
        h.append("<h2 id=\"matrix\">Vendor × test case</h2>\n");
        vendorMatrix(h, byVendor, cases);
        int detailed = 0;
        for (Map.Entry<String, List<MeterVerdict>> e : byVendor.entrySet()) {
            h.append("<section class=\"vendor\" id=\"vendor-").append(esc(slug(e.getKey()))).append("\"><h2>")
                    .append(esc(e.getKey())).append("</h2>\n");
            meterMatrix(h, e.getKey(), e.getValue(), cases);
            for (MeterVerdict v : e.getValue()) {
                if (detailed++ >= DETAILED_METERS) {
                    continue;
                }
                meter(h, v);
            }
            h.append("</section>\n");
        }
        if (detailed > DETAILED_METERS) {
            h.append("<p class=\"note\" id=\"omitted\">").append(detailed - DETAILED_METERS)
                    .append(" meters are in the matrices only (evidence and latency plots for the first ")
                    .append(DETAILED_METERS).append("); the JSON report holds every meter in full.</p>\n");
        }
        areas(h);
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, List<MeterVerdict> verdicts) {
        long pass = verdicts.stream().mapToLong(v -> v.count(Verdict.PASS)).sum();
        long fail = verdicts.stream().mapToLong(v -> v.count(Verdict.FAIL)).sum();
        long skip = verdicts.stream().mapToLong(v -> v.count(Verdict.SKIPPED)).sum();
        long metersFailed = verdicts.stream().filter(v -> v.overall() == Verdict.FAIL).count();
        h.append("<p class=\"summary\" id=\"summary\" data-meters=\"").append(verdicts.size()).append("\" data-pass=\"")
                .append(pass).append("\" data-fail=\"").append(fail).append("\" data-skipped=\"").append(skip).append("\">")
                .append(verdicts.size()).append(" meters, ").append(metersFailed).append(" with a failure; cases: ")
                .append("<span class=\"PASS\">").append(pass).append(" PASS</span> · <span class=\"FAIL\">").append(fail)
                .append(" FAIL</span> · <span class=\"SKIPPED\">").append(skip).append(" SKIPPED</span></p>\n");
    }

    /** One row per vendor: a cell says the verdict all its meters share, or how many meters got which. */
    private static void vendorMatrix(StringBuilder h, Map<String, List<MeterVerdict>> byVendor, List<String> cases) {
        h.append("<table class=\"matrix\" id=\"vendor-matrix\"><thead><tr><th>vendor</th>");
        cases.forEach(c -> h.append("<th class=\"case\"><span>").append(esc(c)).append("</span></th>"));
        h.append("</tr></thead><tbody>\n");
        for (Map.Entry<String, List<MeterVerdict>> e : byVendor.entrySet()) {
            h.append("<tr><th><a href=\"#vendor-").append(esc(slug(e.getKey()))).append("\">").append(esc(e.getKey()))
                    .append("</a> (").append(e.getValue().size()).append(")</th>");
            for (String c : cases) {
                Map<String, Integer> counts = new LinkedHashMap<>();
                for (MeterVerdict v : e.getValue()) {
                    CaseResult r = find(v, c);
                    counts.merge(r == null ? "ABSENT" : label(r), 1, Integer::sum);
                }
                String verdict = counts.keySet().stream().anyMatch(k -> k.startsWith("FAIL")) ? "FAIL"
                        : counts.containsKey("PASS") ? "PASS" : "SKIPPED";
                StringBuilder text = new StringBuilder();
                if (counts.size() == 1) {
                    text.append(esc(counts.keySet().iterator().next()));
                } else {
                    counts.forEach((k, n) -> text.append(n).append("× ").append(esc(k)).append("<br>"));
                }
                h.append("<td class=\"cell ").append(verdict).append("\" data-vendor=\"").append(esc(e.getKey()))
                        .append("\" data-case=\"").append(esc(c)).append("\" data-verdict=\"").append(verdict)
                        .append("\" data-meters=\"").append(e.getValue().size()).append("\">").append(text).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void meterMatrix(StringBuilder h, String vendor, List<MeterVerdict> meters, List<String> cases) {
        h.append("<table class=\"matrix meters\"><thead><tr><th>meter</th>");
        cases.forEach(c -> h.append("<th class=\"case\"><span>").append(esc(c)).append("</span></th>"));
        h.append("</tr></thead><tbody>\n");
        for (MeterVerdict v : meters) {
            h.append("<tr><th><a href=\"#meter-").append(esc(slug(v.meterId()))).append("\">").append(esc(v.meterId()))
                    .append("</a></th>");
            for (String c : cases) {
                CaseResult r = find(v, c);
                String verdict = r == null ? "ABSENT" : r.verdict().name();
                h.append("<td class=\"cell ").append(verdict).append("\" data-vendor=\"").append(esc(vendor))
                        .append("\" data-meter=\"").append(esc(v.meterId())).append("\" data-case=\"").append(esc(c))
                        .append("\" data-verdict=\"").append(verdict).append('"');
                if (r != null && r.failed()) {
                    h.append(" data-class=\"").append(esc(r.failureClass())).append('"');
                }
                h.append(" title=\"").append(r == null ? "not run" : esc(r.reason())).append("\">")
                        .append(r == null ? "–" : esc(label(r))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void meter(StringBuilder h, MeterVerdict v) {
        h.append("<article class=\"meter\" id=\"meter-").append(esc(slug(v.meterId()))).append("\"><h3>meter ")
                .append(esc(v.meterId())).append(" <span class=\"").append(v.overall().name()).append("\">")
                .append(v.overall().name()).append("</span></h3>\n<p>").append(v.count(Verdict.PASS)).append(" passed, ")
                .append(v.count(Verdict.FAIL)).append(" failed, ").append(v.count(Verdict.SKIPPED))
                .append(" skipped in ").append(v.durationMs()).append(" ms")
                .append(v.startedAt() == null ? "" : ", started " + esc(v.startedAt().toString())).append("</p>\n");
        LatencyPlot.svg(h, v);
        for (CaseResult r : v.results()) {
            if (r.verdict() == Verdict.PASS) {
                continue;
            }
            h.append("<div class=\"result ").append(r.verdict().name()).append("\" data-meter=\"").append(esc(v.meterId()))
                    .append("\" data-case=\"").append(esc(r.caseId())).append("\"><p><code>").append(esc(r.caseId()))
                    .append("</code> <b>").append(esc(label(r))).append("</b>: ").append(esc(r.reason())).append("</p>\n");
            if (r.failed()) {
                if (r.evidence().isEmpty()) {
                    h.append("<p class=\"note\">no frames: the exchange did not get as far as a PDU</p>\n");
                }
                for (Evidence e : r.evidence()) {
                    h.append("<details class=\"frame\"><summary>").append(esc(e.direction())).append(' ')
                            .append("<code>").append(esc(abbreviate(e.hex(), 96))).append("</code></summary>")
                            .append("<pre class=\"hex\">").append(esc(e.hex())).append("</pre><pre class=\"decoded\">")
                            .append(esc(e.decoded())).append("</pre></details>\n");
                }
            }
            h.append("</div>\n");
        }
        h.append("</article>\n");
    }

    private static void areas(StringBuilder h) {
        h.append("<h2>Conformance test areas</h2>\n<ul class=\"areas\">");
        for (Area a : Area.values()) {
            h.append("<li><b>").append(esc(a.label())).append("</b>: ").append(esc(a.description())).append("</li>");
        }
        h.append("</ul>\n");
    }

    /** "PASS", "SKIPPED", or "FAIL CLASS CODE". */
    static String label(CaseResult r) {
        return r.failed() ? "FAIL " + r.failureClass() + (r.code() == null ? "" : " " + r.code()) : r.verdict().name();
    }

    private static CaseResult find(MeterVerdict v, String caseId) {
        for (CaseResult r : v.results()) {
            if (r.caseId().equals(caseId)) {
                return r;
            }
        }
        return null;
    }

    /** Every case any meter ran, in plan order (meters may have run different subsets). */
    private static List<String> caseIds(List<MeterVerdict> verdicts) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        InteropPlan.all().caseIds().forEach(id -> {
            if (verdicts.stream().anyMatch(v -> find(v, id) != null)) {
                ids.add(id);
            }
        });
        verdicts.forEach(v -> v.results().forEach(r -> ids.add(r.caseId())));
        return List.copyOf(ids);
    }

    private static String vendor(MeterVerdict v) {
        return v.vendor() == null ? "(unknown vendor)" : v.vendor();
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '\r' -> {
                    // an HTML parser turns CR LF into LF anyway
                }
                default -> out.append(c < 0x20 && c != '\n' && c != '\t' ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    private static final String CSS = """
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
            h1{font-size:1.5em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}h3{margin:1em 0 .3em}
            table.matrix{border-collapse:collapse;margin:.5em 0;font-size:12px}
            table.matrix th,table.matrix td{border:1px solid #bbb;padding:3px 5px;text-align:center;white-space:nowrap}
            table.matrix thead th.case{height:11em;vertical-align:bottom;padding:2px}
            table.matrix thead th.case span{writing-mode:vertical-rl;transform:rotate(180deg)}
            tbody th{text-align:left}
            .PASS{background:#d8f0d8;color:#164d16}.FAIL{background:#f8d3d0;color:#7a130b;font-weight:600}
            .SKIPPED{background:#eeeeee;color:#555}.ABSENT{background:#fff;color:#999}
            span.PASS,span.FAIL,span.SKIPPED{padding:0 .3em;border-radius:3px}
            .result{margin:.4em 0 .4em 1em;padding:.2em .6em;border-left:4px solid #ccc}
            .result.FAIL{border-color:#c0392b;background:none;color:#222;font-weight:400}.result.SKIPPED{background:none}
            pre{background:#f6f6f6;padding:.5em;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font-size:12px}
            details.frame summary{cursor:pointer;font-size:12px}
            svg.latency{display:block;margin:.4em 0}svg text{font:11px sans-serif;fill:#333}
            .note{color:#666;font-style:italic}
            """;
}
