package org.amihes.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * On a machine without a Mosquitto (a fresh one: apt installs it and starts nothing), {@code ./hes} starts its own with
 * the project's configuration ({@code tools/mqtt-tls.sh plain}) and {@code ./hes stop} stops it. The real Mosquitto,
 * through the script's own steps, on a free port and a run directory of the test's own (the machine's Mosquitto on
 * 1883 is not touched). A subscriber that is away while 1,500 QoS 1 messages are published gets every one when it
 * comes back: more than the 1,000 the package's own configuration keeps for it (on the machine's Mosquitto with
 * Debian's configuration, it gets 1,000).
 */
class HesMosquittoIT {

    static final int MESSAGES = 1_500;

    @Test
    void hesStartsItsOwnMosquittoThatKeepsEverythingForAnAwaySubscriberAndStopsIt() throws Exception {
        Path run = Files.createTempDirectory("hes-mosquitto");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> env = Map.of("HES_RUN_DIR", run.toString(), "HES_MQTT_PORT", String.valueOf(port));
        try {
            String started = HesSteps.run(env, "ensure_mosquitto");
            assertThat(started).contains("starting Mosquitto on 127.0.0.1:" + port);
            assertThat(Files.readString(run.resolve("mosquitto/mosquitto.conf")))
                    .contains("listener " + port + " 127.0.0.1").contains("max_queued_messages 0");
            assertThat(Files.readAllLines(run.resolve("started-infra"))).contains("mosquitto");

            // a subscriber with a persistent session (Mosquitto's own clients) goes away; what is published meanwhile
            // waits for it
            String topic = "hes-mosquitto-it/" + port;
            List<String> sub = List.of("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-i",
                    "hes-mosquitto-it-sub", "-c", "-q", "1", "-t", topic);
            String subscribed = tool(concat(sub, "-E"), null); // subscribe, then leave at once
            assertThat(subscribed).isEmpty();
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < MESSAGES; i++) {
                lines.append('m').append(i).append('\n');
            }
            tool(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-i", "hes-mosquitto-it-pub",
                    "-q", "1", "-t", topic, "-l"), lines.toString());

            String kept = tool(concat(sub, "-C", String.valueOf(MESSAGES), "-W", "30"), null);
            List<String> received = kept.lines().toList();
            assertThat(received).as("messages kept for the subscriber while it was away").hasSize(MESSAGES)
                    .doesNotHaveDuplicates().contains("m0", "m" + (MESSAGES - 1));

            String stopped = HesSteps.run(env, "stop_started");
            assertThat(stopped).contains("stopping Mosquitto (started by ./hes)");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (listening(port) && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(listening(port)).as("Mosquitto stopped").isFalse();
        } finally {
            if (listening(port) && Files.exists(run.resolve("mosquitto.pid"))) {
                new ProcessBuilder("kill", Files.readString(run.resolve("mosquitto.pid")).trim()).start().waitFor();
            }
            try (Stream<Path> files = Files.walk(run)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<String> concat(List<String> command, String... more) {
        return Stream.concat(command.stream(), Stream.of(more)).toList();
    }

    /** Runs one of Mosquitto's clients to its end (60 s at most) with {@code input} on stdin; what it printed. */
    private static String tool(List<String> command, String input) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(command + " ended").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(command + ": " + out).isZero();
        return out;
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
