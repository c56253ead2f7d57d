package org.amihes.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The few things the benchmark reads from a service's {@code /q/metrics}: the Prometheus text format or OpenMetrics,
 * whose sample lines may end with an exemplar ({@code name{labels} value [timestamp] # {trace_id="..."} value
 * [timestamp]}, as Quarkus writes one for a counter incremented inside a traced span): a sample's value is the one
 * right after its own label set, never the exemplar's.
 */
final class Prometheus {

    private Prometheus() {
    }

    /** One sample line: its metric name, its labels, its value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /**
     * Sum of every sample of {@code metric} that carries each of {@code labels} ({@code key="value"}, e.g.
     * {@code area="heap"}).
     */
    static double sum(String text, String metric, String... labels) {
        Map<String, String> wanted = new TreeMap<>();
        for (String label : labels) {
            wanted.putAll(parse("label{" + label + "} 0").labels());
        }
        double sum = 0;
        for (String line : text.split("\n")) {
            Sample s = sampleOf(line, metric);
            if (s != null && s.labels().entrySet().containsAll(wanted.entrySet())) {
                sum += s.value();
            }
        }
        return sum;
    }

    /**
     * Cumulative bucket counts of a histogram ({@code <metric>_bucket{le="..."}}), summed over every series, by upper
     * bound in seconds ({@code +Inf} as {@link Double#POSITIVE_INFINITY}). Empty if the metric is not there.
     */
    static TreeMap<Double, Double> buckets(String text, String metric) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (String line : text.split("\n")) {
            Sample s = sampleOf(line, metric + "_bucket");
            if (s != null && s.labels().containsKey("le")) {
                buckets.merge(number(s.labels().get("le")), s.value(), Double::sum);
            }
        }
        return buckets;
    }

    /** The line's sample if it is one of {@code metric}; null for comments, blank lines and other metrics. */
    private static Sample sampleOf(String line, String metric) {
        if (!line.startsWith(metric + "{") && !line.startsWith(metric + " ")) {
            return null;
        }
        return parse(line);
    }

    /**
     * One sample line: the metric name, an optional label set (values quoted, with {@code \\}, {@code \"} and
     * {@code \n} escapes, so a value may hold braces, commas, spaces or {@code #}), then the value; what follows (a
     * timestamp, an exemplar) is not read.
     *
     * @throws IllegalArgumentException a line that is not a sample, saying why
     */
    static Sample parse(String line) {
        int n = line.length();
        int i = 0;
        while (i < n && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("not a sample line (no metric name): " + line);
        }
        Map<String, String> labels = new TreeMap<>();
        if (i < n && line.charAt(i) == '{') {
            i++;
            while (true) {
                while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == ',')) {
                    i++;
                }
                if (i >= n) {
                    throw new IllegalArgumentException("not a sample line (label set not closed): " + line);
                }
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                if (eq < 0 || eq + 1 >= n || line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("not a sample line (label without a quoted value): " + line);
                }
                String key = line.substring(i, eq).trim();
                StringBuilder value = new StringBuilder();
                i = eq + 2;
                while (i < n && line.charAt(i) != '"') {
                    char c = line.charAt(i);
                    if (c == '\\' && i + 1 < n) {
                        char escaped = line.charAt(++i);
                        value.append(escaped == 'n' ? '\n' : escaped);
                    } else {
                        value.append(c);
                    }
                    i++;
                }
                if (i >= n) {
                    throw new IllegalArgumentException("not a sample line (label value not closed): " + line);
                }
                i++; // the closing quote
                labels.put(key, value.toString());
            }
        }
        while (i < n && line.charAt(i) == ' ') {
            i++;
        }
        int end = i;
        while (end < n && line.charAt(end) != ' ') {
            end++;
        }
        if (end == i) {
            throw new IllegalArgumentException("not a sample line (no value): " + line);
        }
        return new Sample(name, labels, number(line.substring(i, end)));
    }

    private static double number(String text) {
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    /** {@code after - before}, bucket by bucket: the histogram of what happened between two scrapes. */
    static TreeMap<Double, Double> minus(TreeMap<Double, Double> after, TreeMap<Double, Double> before) {
        TreeMap<Double, Double> d = new TreeMap<>();
        after.forEach((le, n) -> d.put(le, n - before.getOrDefault(le, 0.0)));
        return d;
    }

    /**
     * The {@code q} quantile (0..1) of a cumulative histogram, in seconds, interpolated linearly inside its bucket
     * (as PromQL's histogram_quantile does); NaN when the histogram is empty.
     */
    static double quantile(TreeMap<Double, Double> cumulative, double q) {
        if (cumulative.isEmpty()) {
            return Double.NaN;
        }
        double total = cumulative.lastEntry().getValue();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        List<Map.Entry<Double, Double>> entries = new ArrayList<>(cumulative.entrySet());
        for (Map.Entry<Double, Double> e : entries) {
            if (e.getValue() >= rank) {
                if (e.getKey().isInfinite()) {
                    return lowerBound; // beyond the last finite bound: the best we know
                }
                double inBucket = e.getValue() - lowerCount;
                return inBucket <= 0 ? e.getKey()
                        : lowerBound + (e.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = e.getKey();
            lowerCount = e.getValue();
        }
        return lowerBound;
    }
}
