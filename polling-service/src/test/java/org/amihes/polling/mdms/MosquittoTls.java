package org.amihes.polling.mdms;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * A Mosquitto of the test's own with a TLS listener on a free port, its CA and server certificate made by the
 * project's {@code tools/mqtt-tls.sh} (as {@code ./hes run} makes them); polling-service is configured to publish to it
 * over TLS, trusting that CA. The machine's Mosquitto (1883) is not touched.
 */
public class MosquittoTls implements QuarkusTestResourceLifecycleManager {

    static Path dir;
    static int port;
    static final String PREFIX = "hes-tls-test/" + UUID.randomUUID().toString().substring(0, 8) + "/readings";
    private Process mosquitto;

    static Path script() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("tools/mqtt-tls.sh"))) {
                return p.resolve("tools/mqtt-tls.sh");
            }
        }
        throw new IllegalStateException("tools/mqtt-tls.sh not found above " + here);
    }

    static String mosquittoCommand() {
        for (String c : new String[] {"/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto"}) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return "mosquitto";
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with " + p.exitValue());
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("mqtt-tls-test");
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            run(script().toString(), "certs", dir.toString());
            run(script().toString(), "conf", dir.toString(), String.valueOf(port));
            mosquitto = new ProcessBuilder(mosquittoCommand(), "-c", dir.resolve("mosquitto.conf").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (true) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    break;
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline || !mosquitto.isAlive()) {
                        throw new IllegalStateException("Mosquitto with TLS did not start: "
                                + Files.readString(dir.resolve("mosquitto.log")));
                    }
                    Thread.sleep(100);
                }
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("hes.mdms.mqtt.host", "127.0.0.1", "hes.mdms.mqtt.port", String.valueOf(port),
                "hes.mdms.mqtt.tls", "true", "hes.mdms.mqtt.trust-pem", dir.resolve("ca.pem").toString(),
                "hes.mdms.mqtt.topic-prefix", PREFIX,
                "hes.mdms.mqtt.client-id", "amihes-polling-tls-test-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Override
    public void stop() {
        if (mosquitto != null) {
            mosquitto.destroy();
        }
    }
}
