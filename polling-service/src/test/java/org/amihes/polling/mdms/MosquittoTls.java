package org.amihes.polling.mdms;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * A Mosquitto of the test's own with a TLS listener ({@link TestMosquitto}), its CA and server certificate made by the
 * project's {@code tools/mqtt-tls.sh} (as {@code ./hes run} makes them); polling-service is configured to publish to it
 * over TLS, trusting that CA.
 */
public class MosquittoTls implements QuarkusTestResourceLifecycleManager {

    static Path dir;
    static int port;
    static final String PREFIX = "hes-tls-test/" + UUID.randomUUID().toString().substring(0, 8) + "/readings";
    private TestMosquitto mosquitto;

    @Override
    public Map<String, String> start() {
        mosquitto = TestMosquitto.start(true);
        dir = mosquitto.dir;
        port = mosquitto.port;
        return Map.of("hes.mdms.mqtt.host", "127.0.0.1", "hes.mdms.mqtt.port", String.valueOf(port),
                "hes.mdms.mqtt.tls", "true", "hes.mdms.mqtt.trust-pem", dir.resolve("ca.pem").toString(),
                "hes.mdms.mqtt.topic-prefix", PREFIX,
                "hes.mdms.mqtt.client-id", "amihes-polling-tls-test-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Override
    public void stop() {
        if (mosquitto != null) {
            mosquitto.close();
        }
    }
}
