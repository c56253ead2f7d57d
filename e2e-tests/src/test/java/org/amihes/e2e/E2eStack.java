package org.amihes.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings every end-to-end stack shares: the test database and the e2e broker topology, so a stack already
 * running on this broker neither sees nor steals test traffic.
 */
final class E2eStack {

    private E2eStack() {
    }

    /** A service's datasource settings: the test database the tests look into ({@code TestDatabase}). */
    static Map<String, String> datasource() {
        String jdbc = org.amihes.service.testing.TestDatabase.url();
        return Map.of("quarkus.datasource.reactive.url", jdbc.substring("jdbc:".length()),
                "quarkus.datasource.jdbc.url", jdbc);
    }

    private static Map<String, String> common() {
        Map<String, String> m = new HashMap<>(datasource());
        m.put("hes.topology.jobs-exchange", "meter-jobs.by-meter-e2e");
        m.put("hes.topology.results-exchange", "meter-results-e2e");
        m.put("hes.topology.registry-exchange", "meter-registry-e2e");
        m.put("hes.topology.events-exchange", "meter-events-e2e");
        m.put("quarkus.oidc.auth-server-url", org.amihes.service.testing.TestKeycloak.realmUrl());
        return m;
    }

    /**
     * security-service on the test database with the test SoftHSM2 token (the one its tests use: the test database's
     * keys are wrapped under its master key), its events on an
     * exchange of its own. Every service of an e2e stack checks tokens from the test Keycloak (HES_KEYCLOAK_URL, which
     * the child processes inherit; the same default as the tests' when unset).
     */
    static ServiceProcess startSecurity() throws Exception {
        return startSecurity(Map.of());
    }

    /** @param settings added to security-service's settings */
    static ServiceProcess startSecurity(Map<String, String> settings) throws Exception {
        Map<String, String> m = common();
        m.putAll(settings);
        m.put("hes.events.exchange", "security-events-e2e");
        org.amihes.service.testing.SoftHsmToken token = org.amihes.service.testing.SoftHsmToken.ensure(
                org.amihes.service.testing.SoftHsmToken.testConf(), "amihes-test");
        ServiceProcess security = ServiceProcess.start(ServiceProcess.projectRoot(), "security-service", m,
                "security-service", token.environment());
        return security.awaitReady(java.time.Duration.ofSeconds(240));
    }

    /** association-service's settings for keys from {@code security}. */
    static Map<String, String> associationWithKeys(ServiceProcess security) {
        Map<String, String> m = association();
        m.put("hes.security-service.url", security.url());
        // a cold security-service's first requests also fetch Keycloak's signing keys; on a loaded 2-core machine the
        // first answers took over the 5 s default
        m.put("hes.security-service.timeout", "15s");
        // association-service's own client credentials for counters and keys: the secret ./hes made for its client
        m.put("hes.oidc.client-secret-file", org.amihes.service.testing.TestKeycloak.secretsDir()
                .resolve("association-service").toAbsolutePath().toString());
        return m;
    }

    /**
     * {@code n} association-service replicas on one fleet, each holding its own job partitions (standby 120 s) and
     * writing its own audit log (added to {@code audits}, in replica order); the first imports {@code registry} and is
     * ready before the others start, so they load it. The e2e job queues are emptied first (what an earlier test left
     * would be the replicas' backlog).
     */
    static List<ServiceProcess> associationReplicas(Path root, int n, Path registry, String name, List<Path> audits,
                                                    Duration ready) throws Exception {
        purgeQueues();
        List<ServiceProcess> replicas = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, String> props = new HashMap<>(association());
            Path audit = Path.of("target", "e2e-logs", name + "-" + i + "-audit.log").toAbsolutePath();
            Files.createDirectories(audit.getParent());
            Files.deleteIfExists(audit);
            audits.add(audit);
            props.put("hes.audit.file", audit.toString());
            props.put("hes.jobs.ordinal", String.valueOf(i));
            props.put("hes.jobs.replicas", String.valueOf(n));
            props.put("hes.jobs.standby-delay", "120s"); // each replica holds its own partitions
            props.put("hes.sessions.response-timeout", "3s");
            if (i == 0) {
                props.put("hes.registry.file", registry.toAbsolutePath().toString());
            }
            replicas.add(ServiceProcess.start(root, "association-service", props, "association-service-" + name + "-" + i));
            if (i == 0) {
                replicas.get(0).awaitReady(ready); // the registry is imported before the others load it
            }
        }
        for (ServiceProcess r : replicas) {
            r.awaitReady(ready);
        }
        return replicas;
    }

    static Map<String, String> association() {
        Map<String, String> m = common();
        m.put("hes.jobs.queue-prefix", "association.jobs.e2e");
        // the push listener on a free port (4059 may be in use on a shared machine); PushIT sets one it knows
        m.put("hes.push.port", "0");
        m.put("hes.registry.sync-queue", "association.registry-sync.e2e");
        m.put("hes.commands.results-queue", "association.command-results.e2e");
        return m;
    }

    /**
     * Empties the e2e job and result queues: a test that failed half-way leaves jobs for meters that no longer exist,
     * which the next test's services would first have to fail one by one.
     */
    static void purgeQueues() throws Exception {
        try (com.rabbitmq.client.Connection c = org.amihes.service.testing.TestRabbit.factory().newConnection()) {
            for (int p = 0; p < 16; p++) {
                purge(c, String.format("association.jobs.e2e.%02d", p));
            }
            purge(c, "polling.read-results.e2e");
        }
    }

    private static void purge(com.rabbitmq.client.Connection c, String queue) throws Exception {
        com.rabbitmq.client.Channel ch = c.createChannel();
        try {
            ch.queuePurge(queue);
            ch.close();
        } catch (java.io.IOException missing) {
            // not declared yet: nothing to purge (the failed passive operation closed the channel)
        }
    }

    /** firmware-service on the e2e topology, with its own results and registry-view queues. */
    static Map<String, String> firmware() {
        Map<String, String> m = common();
        m.put("mp.messaging.incoming.firmware-results.queue.name", "firmware.results.e2e");
        m.put("mp.messaging.incoming.firmware-results.dead-letter-queue-name", "firmware.results.e2e.dlq");
        m.put("mp.messaging.incoming.firmware-results.dead-letter-exchange", "meter-results-e2e.firmware.dlx");
        m.put("hes.firmware.registry-queue", "firmware.meter-registry.e2e");
        return m;
    }

    static Map<String, String> polling() {
        Map<String, String> m = common();
        m.put("mp.messaging.incoming.read-results.queue.name", "polling.read-results.e2e");
        m.put("hes.registry-view.queue", "polling.meter-registry.e2e");
        m.put("mp.messaging.incoming.read-results.dead-letter-queue-name", "polling.read-results.e2e.dlq");
        m.put("mp.messaging.incoming.read-results.dead-letter-exchange", "meter-results-e2e.dlx");
        // MDMS publication of the e2e stacks: apart from a running stack's consumers
        m.put("hes.mdms.amqp.exchange", "mdms.readings.e2e");
        m.put("hes.mdms.amqp.queues", "mdms.readings.e2e");
        m.put("hes.mdms.mqtt.topic-prefix", "hes-e2e/readings");
        return m;
    }
}
