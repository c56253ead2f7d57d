package org.amihes.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's reading of {@code /q/metrics}. The exemplar lines are as firmware-service wrote them in
 * FirmwareSmallIT (issue 13): the counter's value is 160, its exemplar's (the last increment, inside a traced span) 1;
 * the old reading took the value after the line's last '}' and reported the exemplar's.
 */
class PrometheusTest {

    static final String FIRMWARE_SCRAPE = """
            # TYPE hes_firmware_result_transactions counter
            # HELP hes_firmware_result_transactions transactions that applied firmware job results (one per result message)
            hes_firmware_result_transactions_total 96.0 # {span_id="47d94910ebe4f574",trace_id="8661c60961b0812190f92dc4e01f1f71"} 1.0 1796516419.367
            # TYPE hes_firmware_results_applied counter
            # HELP hes_firmware_results_applied firmware job results that moved a meter's state machine
            hes_firmware_results_applied_total 160.0 # {span_id="47d94910ebe4f574",trace_id="8661c60961b0812190f92dc4e01f1f71"} 1.0 1796516419.367
            # TYPE hes_firmware_jobs_sent counter
            hes_firmware_jobs_sent_total 20.0
            """;

    @Test
    void aCountersValueIsItsOwnNotItsExemplars() {
        assertThat(Prometheus.sum(FIRMWARE_SCRAPE, "hes_firmware_results_applied_total")).isEqualTo(160.0);
        assertThat(Prometheus.sum(FIRMWARE_SCRAPE, "hes_firmware_result_transactions_total")).isEqualTo(96.0);
        assertThat(Prometheus.sum(FIRMWARE_SCRAPE, "hes_firmware_jobs_sent_total")).isEqualTo(20.0);
        assertThat(Prometheus.sum(FIRMWARE_SCRAPE, "hes_firmware_results_applied")).as("a prefix is another metric")
                .isZero();
    }

    @Test
    void histogramBucketsWithExemplarsAndSeveralSeries() {
        String text = """
                # TYPE hes_session_seconds histogram
                hes_session_seconds_bucket{command="read",le="0.1"} 3.0 # {trace_id="a"} 0.05 1796516419.1
                hes_session_seconds_bucket{command="read",le="+Inf"} 5.0 # {trace_id="b"} 2.5 1796516419.2
                hes_session_seconds_bucket{command="write",le="0.1"} 1.0
                hes_session_seconds_bucket{command="write",le="+Inf"} 2.0
                hes_session_seconds_count{command="read"} 5.0
                """;
        TreeMap<Double, Double> b = Prometheus.buckets(text, "hes_session_seconds");
        assertThat(b).isEqualTo(new TreeMap<>(Map.of(0.1, 4.0, Double.POSITIVE_INFINITY, 7.0)));
    }

    @Test
    void labelValuesMayHoldBracesHashesCommasAndEscapes() {
        Prometheus.Sample s = Prometheus.parse(
                "m_total{path=\"/a/{id}\",note=\"x # {y}, \\\"q\\\" \\\\ \\n\"} 7.5 1796516419 # {trace_id=\"t\"} 1.0");
        assertThat(s.name()).isEqualTo("m_total");
        assertThat(s.labels()).containsEntry("path", "/a/{id}").containsEntry("note", "x # {y}, \"q\" \\ \n");
        assertThat(s.value()).isEqualTo(7.5);
        assertThat(Prometheus.parse("g NaN").value()).isNaN();
        assertThat(Prometheus.parse("g{} -Inf").value()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Prometheus.parse("g 1.0E7").value()).isEqualTo(1.0e7);
    }

    @Test
    void labelsSelectSamplesByTheirOwnLabelsOnly() {
        String text = """
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 100.0
                jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 50.0
                jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 7.0 # {area="heap"} 1.0
                """;
        assertThat(Prometheus.sum(text, "jvm_memory_used_bytes", "area=\"heap\"")).isEqualTo(150.0);
        assertThat(Prometheus.sum(text, "jvm_memory_used_bytes")).isEqualTo(157.0);
    }

    @Test
    void tenThousandSeriesSumToTheirTotal() {
        StringBuilder text = new StringBuilder("# TYPE hes_meter_jobs counter\n");
        double expected = 0;
        for (int i = 0; i < 10_000; i++) {
            text.append("hes_meter_jobs_total{meter=\"M").append(i).append("\"} ").append(i).append(".0 # {trace_id=\"")
                    .append(i).append("\"} 1.0 1796516419.367\n");
            expected += i;
        }
        assertThat(Prometheus.sum(text.toString(), "hes_meter_jobs_total")).isEqualTo(expected);
    }

    @Test
    void aLineThatIsNoSampleIsRefusedWithItsReason() {
        assertThatThrownBy(() -> Prometheus.parse("m{a=\"1\"")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label set not closed");
        assertThatThrownBy(() -> Prometheus.parse("m{a=\"1\" 2.0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label without a quoted value");
        assertThatThrownBy(() -> Prometheus.parse("m{a=1} 2.0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label without a quoted value");
        assertThatThrownBy(() -> Prometheus.parse("m{a=\"1} 2.0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label value not closed");
        assertThatThrownBy(() -> Prometheus.parse("m{a=\"1\"}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no value");
        assertThatThrownBy(() -> Prometheus.parse("{a=\"1\"} 2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no metric name");
        assertThatThrownBy(() -> Prometheus.parse("m abc")).isInstanceOf(NumberFormatException.class);
    }
}
