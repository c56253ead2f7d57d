package org.amihes.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A meter's latencies as inline SVG: one horizontal bar per case (its measured duration, coloured by verdict), and
 * when the plan timed single GETs (case transport.latency, facts {@code samplesMs} and {@code budgetMs}) one bar per
 * exchange with the budget drawn as a line. Scales are linear from 0 to the largest value shown.
 */
final class LatencyPlot {

    private static final int LABEL = 230;
    private static final int PLOT = 420;
    private static final int ROW = 16;

    private LatencyPlot() {
    }

    static void svg(StringBuilder h, MeterVerdict v) {
        caseBars(h, v);
        for (CaseResult r : v.results()) {
            List<Long> samples = numbers(r.facts().get("samplesMs"));
            if (!samples.isEmpty()) {
                sampleBars(h, v.meterId(), r, samples, number(r.facts().get("budgetMs")));
            }
        }
    }

    private static void caseBars(StringBuilder h, MeterVerdict v) {
        long max = Math.max(1, v.results().stream().mapToLong(CaseResult::durationMs).max().orElse(1));
        int height = 24 + v.results().size() * ROW;
        h.append("<svg class=\"latency cases\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"")
                .append(LABEL + PLOT + 70).append("\" height=\"").append(height).append("\" data-meter=\"")
                .append(HtmlReport.esc(v.meterId())).append("\"><title>")
                .append(HtmlReport.esc("duration per case, meter " + v.meterId())).append("</title>")
                .append("<text x=\"0\" y=\"12\">duration per case (ms, 0 to ").append(max).append(")</text>");
        int y = 20;
        for (CaseResult r : v.results()) {
            double w = PLOT * (double) r.durationMs() / max;
            h.append("<text x=\"0\" y=\"").append(y + 11).append("\">").append(HtmlReport.esc(r.caseId())).append("</text>")
                    .append("<rect class=\"bar\" data-case=\"").append(HtmlReport.esc(r.caseId())).append("\" data-ms=\"")
                    .append(r.durationMs()).append("\" x=\"").append(LABEL).append("\" y=\"").append(y + 2)
                    .append("\" width=\"").append(fmt(Math.max(w, 1))).append("\" height=\"").append(ROW - 4)
                    .append("\" fill=\"").append(colour(r.verdict())).append("\"/>")
                    .append("<text x=\"").append(fmt(LABEL + Math.max(w, 1) + 4)).append("\" y=\"").append(y + 11)
                    .append("\">").append(r.durationMs()).append("</text>");
            y += ROW;
        }
        h.append("</svg>\n");
    }

    private static void sampleBars(StringBuilder h, String meterId, CaseResult r, List<Long> samples, long budget) {
        long max = Math.max(1, Math.max(budget, samples.stream().mapToLong(Long::longValue).max().orElse(1)));
        int barWidth = Math.max(4, Math.min(24, PLOT / samples.size()));
        int height = 140;
        int base = height - 20;
        double scale = (base - 24) / (double) max;
        h.append("<svg class=\"latency samples\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"")
                .append(LABEL + PLOT + 70).append("\" height=\"").append(height).append("\" data-meter=\"")
                .append(HtmlReport.esc(meterId)).append("\"><title>")
                .append(HtmlReport.esc(r.caseId() + ": each GET's answer time, meter " + meterId)).append("</title>")
                .append("<text x=\"0\" y=\"12\">").append(HtmlReport.esc(r.caseId())).append(": ").append(samples.size())
                .append(" GETs, answer time per exchange (ms)</text>")
                .append("<line x1=\"").append(LABEL).append("\" y1=\"").append(base).append("\" x2=\"").append(LABEL + PLOT)
                .append("\" y2=\"").append(base).append("\" stroke=\"#888\"/>");
        int x = LABEL;
        for (long s : samples) {
            double bh = Math.max(1, s * scale);
            h.append("<rect class=\"sample\" data-ms=\"").append(s).append("\" x=\"").append(x).append("\" y=\"")
                    .append(fmt(base - bh)).append("\" width=\"").append(barWidth - 2).append("\" height=\"")
                    .append(fmt(bh)).append("\" fill=\"").append(budget > 0 && s > budget ? "#c0392b" : "#2e86c1")
                    .append("\"><title>").append(s).append(" ms</title></rect>");
            x += barWidth;
        }
        if (budget > 0) {
            double by = base - budget * scale;
            h.append("<line class=\"budget\" x1=\"").append(LABEL).append("\" y1=\"").append(fmt(by)).append("\" x2=\"")
                    .append(LABEL + PLOT).append("\" y2=\"").append(fmt(by))
                    .append("\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/>")
                    .append("<text x=\"").append(LABEL + PLOT + 4).append("\" y=\"").append(fmt(by + 4)).append("\">budget ")
                    .append(budget).append("</text>");
        }
        h.append("<text x=\"0\" y=\"").append(base).append("\">0 … ").append(max).append(" ms</text></svg>\n");
    }

    private static String colour(Verdict v) {
        return switch (v) {
            case PASS -> "#5cb85c";
            case FAIL -> "#c0392b";
            case SKIPPED -> "#aaaaaa";
        };
    }

    static List<Long> numbers(Object value) {
        List<Long> out = new ArrayList<>();
        if (value instanceof Iterable<?> items) {
            for (Object o : items) {
                if (o instanceof Number n) {
                    out.add(n.longValue());
                }
            }
        }
        return out;
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }
}
