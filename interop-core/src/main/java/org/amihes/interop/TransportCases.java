package org.amihes.interop;

import gurux.dlms.objects.GXDLMSClock;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.failure.FailureClass;

/** Transport: the medium and its framing carry an association; answers come within the latency budget. */
final class TransportCases {

    private TransportCases() {
    }

    static final InteropCase CONNECT = new Simple("transport.connect", Area.TRANSPORT,
            "connect over the configured medium and framing; the public association's AARQ/AARE travel it") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            long start = System.nanoTime();
            return probe.inPublic(session -> Future.succeededFuture(session.settings().transport().name()))
                    .map(transport -> Outcome.pass("connected and associated over " + transport + " ("
                                    + probe.target().publicAssociation().target() + ")",
                            Map.of("transport", transport, "connectAndAssociateMs", (System.nanoTime() - start) / 1_000_000)))
                    .otherwise(Outcome::failed);
        }
    };

    static final InteropCase LATENCY = new Simple("transport.latency", Area.TRANSPORT,
            "every GET is answered within the latency budget") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            long budgetMs = probe.options().latencyBudget().toMillis();
            return probe.inPublic(session -> time(session, probe.options().latencySamples(), new ArrayList<>())
                    .map(samples -> judge(samples, budgetMs, session.exchange()))).otherwise(Outcome::failed);
        }

        private Future<List<Long>> time(DlmsSession session, int left, List<Long> samples) {
            if (left == 0) {
                return Future.succeededFuture(samples);
            }
            long start = System.nanoTime();
            return session.read(new GXDLMSClock(Obis.CLOCK), 2).compose(v -> {
                samples.add((System.nanoTime() - start) / 1_000_000);
                return time(session, left - 1, samples);
            });
        }

        private Outcome judge(List<Long> samples, long budgetMs, List<String> exchange) {
            long max = samples.stream().mapToLong(Long::longValue).max().orElse(0);
            long min = samples.stream().mapToLong(Long::longValue).min().orElse(0);
            double mean = samples.stream().mapToLong(Long::longValue).average().orElse(0);
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("samplesMs", List.copyOf(samples));
            facts.put("minMs", min);
            facts.put("meanMs", Math.round(mean));
            facts.put("maxMs", max);
            facts.put("budgetMs", budgetMs);
            if (max > budgetMs) {
                return new Outcome(Verdict.FAIL, "the slowest of " + samples.size() + " GETs took " + max
                        + " ms, over the budget of " + budgetMs + " ms", FailureClass.NETWORK.name(), null,
                        exchange, facts);
            }
            return Outcome.pass(samples.size() + " GETs answered in " + min + ".." + max + " ms (budget " + budgetMs
                    + " ms)", facts);
        }
    };

    /** A case's fixed name, area and title. */
    abstract static class Simple implements InteropCase {
        private final String id;
        private final Area area;
        private final String title;

        Simple(String id, Area area, String title) {
            this.id = id;
            this.area = area;
            this.title = title;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Area area() {
            return area;
        }

        @Override
        public String title() {
            return title;
        }
    }
}
