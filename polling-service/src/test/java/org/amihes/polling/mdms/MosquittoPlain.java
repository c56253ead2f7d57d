package org.amihes.polling.mdms;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A Mosquitto of the test's own without TLS ({@link TestMosquitto}: nothing queued for a subscriber is dropped), which
 * polling-service publishes to; the test's subscribers connect to {@link #port}.
 */
public class MosquittoPlain implements QuarkusTestResourceLifecycleManager {

    static volatile TestMosquitto mosquitto;

    static int port() {
        return mosquitto.port;
    }

    @Override
    public Map<String, String> start() {
        mosquitto = TestMosquitto.start(false);
        return Map.of("hes.mdms.mqtt.host", "127.0.0.1", "hes.mdms.mqtt.port", String.valueOf(mosquitto.port));
    }

    @Override
    public void stop() {
        if (mosquitto != null) {
            mosquitto.close();
        }
    }
}
