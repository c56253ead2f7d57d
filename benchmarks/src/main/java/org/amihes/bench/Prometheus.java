package org.amihes.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The few things the benchmark reads from a service's {@code /q/metrics} (Prometheus text format). */
final class Prometheus {

    private Prometheus() {
    }

    /** Sum of every sample of {@code metric} whose labels contain each of {@code labels} (e.g. {@code area="heap"}). */
    static double sum(String text, String metric, String... labels) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (!line.startsWith(metric + "{") && !line.startsWith(metric + " ")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                sum += value(line);
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
            if (!line.startsWith(metric + "_bucket{")) {
                continue;
            }
            int le = line.indexOf("le=\"");
            String bound = line.substring(le + 4, line.indexOf('"', le + 4));
            double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            buckets.merge(upper, value(line), Double::sum);
        }
        return buckets;
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

    private static double value(String line) {
        int close = line.lastIndexOf('}');
        String[] parts = (close >= 0 ? line.substring(close + 1) : line.substring(line.indexOf(' '))).trim().split(" ");
        return Double.parseDouble(parts[0]);
    }
}
