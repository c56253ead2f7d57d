package org.amihes.polling.mdms;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.amihes.contracts.MdmsReading;

/**
 * An MDMS-side MQTT subscriber that is not this project's code: Mosquitto's own {@code mosquitto_sub} (Debian's
 * {@code mosquitto-clients}, installed by {@code ./hes}) with a fixed client id, QoS 1 and, unless {@code clean}, a
 * persistent session (clean session false), so the broker keeps what is published while it is away. Each payload line
 * is read as an {@link MdmsReading} into {@code into}; lines that are not (its debug output) are left out.
 */
final class MosquittoSub implements AutoCloseable {

    private final Process process;
    private final Thread reader;
    private volatile boolean subscribed;

    private MosquittoSub(Process process, List<MdmsReading> into, List<String> unreadable) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.contains("received SUBACK")) {
                        subscribed = true;
                    } else if (line.startsWith("{")) {
                        try {
                            into.addAll(org.amihes.polling.schedules.FakeAssociation.JSON.readValue(line,
                                    org.amihes.contracts.MdmsReadings.class).readings());
                        } catch (IOException e) {
                            unreadable.add(line + ": " + e);
                        }
                    }
                }
            } catch (IOException closed) {
                // the process ended
            }
        }, "mosquitto_sub reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Clears the broker's session of {@code clientId} (connects with clean session true and leaves at once). */
    static void clearSession(String clientId, List<String> topics) throws Exception {
        List<String> cmd = command(clientId, true, topics);
        cmd.add("-E"); // exit once subscribed
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("mosquitto_sub could not clear the session of " + clientId + ": "
                    + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Starts a subscriber and waits until the broker acknowledged its subscriptions. */
    static MosquittoSub start(String clientId, List<String> topics, List<MdmsReading> into, List<String> unreadable)
            throws Exception {
        MosquittoSub sub = new MosquittoSub(new ProcessBuilder(command(clientId, false, topics))
                .redirectErrorStream(true).start(), into, unreadable);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!sub.subscribed && sub.process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (!sub.subscribed) {
            String exit = sub.process.isAlive() ? "still running" : "exit " + sub.process.exitValue();
            sub.close();
            throw new AssertionError("mosquitto_sub " + clientId + " did not subscribe within 10 s (" + exit + ")");
        }
        return sub;
    }

    private static List<String> command(String clientId, boolean clean, List<String> topics) {
        // line-buffered (coreutils' stdbuf): into a pipe, its stdio would hold the SUBACK line and the payloads back
        List<String> cmd = new ArrayList<>(List.of("stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(MosquittoPlain.port()), "-i", clientId,
                "-q", "1", "-d"));
        if (!clean) {
            cmd.add("-c");
        }
        topics.forEach(t -> {
            cmd.add("-t");
            cmd.add(t);
        });
        return cmd;
    }

    /** Goes away: SIGTERM, on which mosquitto_sub disconnects; the broker keeps a persistent session. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
    }
}
