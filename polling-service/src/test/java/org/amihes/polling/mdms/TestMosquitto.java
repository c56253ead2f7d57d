package org.amihes.polling.mdms;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.amihes.service.testing.ProjectRoot;

/**
 * A Mosquitto of a test's own on a free port of 127.0.0.1, configured by the project's {@code tools/mqtt-tls.sh} as
 * {@code ./hes} configures the ones it starts (no cap on what is queued for a subscriber that is away or behind), with
 * TLS or without. The machine's Mosquitto on 1883 is left alone: its configuration is the machine's (Debian's keeps
 * 1,000 messages per subscriber and drops the rest, which a test's subscriber falling behind on a busy machine met).
 */
final class TestMosquitto implements AutoCloseable {

    final Path dir;
    final int port;
    private final Process process;

    private TestMosquitto(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts one and waits until it accepts connections; with {@code tls}, its CA is {@code dir/ca.pem}. */
    static TestMosquitto start(boolean tls) {
        try {
            Path dir = Files.createTempDirectory(tls ? "mqtt-tls-test" : "mqtt-test");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            String script = ProjectRoot.path().resolve("tools/mqtt-tls.sh").toString();
            if (tls) {
                run(script, "certs", dir.toString());
            }
            run(script, tls ? "conf" : "plain", dir.toString(), String.valueOf(port));
            Process process = new ProcessBuilder(command(), "-c", dir.resolve("mosquitto.conf").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (true) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return new TestMosquitto(dir, port, process);
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline || !process.isAlive()) {
                        process.destroy();
                        throw new IllegalStateException("Mosquitto did not start: "
                                + Files.readString(dir.resolve("mosquitto.log")));
                    }
                    Thread.sleep(100);
                }
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What it logged (a dropped message would show here). */
    String log() throws IOException {
        return Files.readString(dir.resolve("mosquitto.log"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String command() {
        for (String c : new String[] {"/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto"}) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return "mosquitto";
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with " + p.exitValue());
        }
    }
}
