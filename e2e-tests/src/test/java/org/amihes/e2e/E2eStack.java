package org.amihes.e2e;

import java.util.HashMap;
import java.util.Map;

/**
 * Settings every end-to-end stack shares: the test database and the e2e broker topology, so a stack already
 * running on this broker neither sees nor steals test traffic.
 */
final class E2eStack {

    private E2eStack() {
    }

    private static Map<String, String> common() {
        String db = System.getenv().getOrDefault("HES_TEST_DB_NAME", "amihes_test");
        Map<String, String> m = new HashMap<>();
        m.put("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:5432/" + db);
        m.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/" + db);
        m.put("hes.topology.jobs-exchange", "meter-jobs.by-meter-e2e");
        m.put("hes.topology.results-exchange", "meter-results-e2e");
        m.put("hes.topology.registry-exchange", "meter-registry-e2e");
        return m;
    }

    static Map<String, String> association() {
        Map<String, String> m = common();
        m.put("hes.jobs.queue-prefix", "association.jobs.e2e");
        m.put("hes.registry.sync-queue", "association.registry-sync.e2e");
        return m;
    }

    static Map<String, String> polling() {
        Map<String, String> m = common();
        m.put("mp.messaging.incoming.read-results.queue.name", "polling.read-results.e2e");
        m.put("hes.registry-view.queue", "polling.meter-registry.e2e");
        m.put("mp.messaging.incoming.read-results.dead-letter-queue-name", "polling.read-results.e2e.dlq");
        m.put("mp.messaging.incoming.read-results.dead-letter-exchange", "meter-results-e2e.dlx");
        return m;
    }
}
