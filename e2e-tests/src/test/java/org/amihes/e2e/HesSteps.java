package org.amihes.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Running one of {@code ./hes}'s own steps (its functions, the script sourced) as its commands run them. */
final class HesSteps {

    private HesSteps() {
    }

    /**
     * {@code command} after {@code source ./hes} in the project root, with {@code env} added to the test's
     * environment; asserts that it ended within two minutes with exit 0, and returns what it printed.
     */
    static String run(Map<String, String> env, String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source ./hes; " + command)
                .directory(ServiceProcess.projectRoot().toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(command + " ended").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** Waits (10 s at most) until {@code queue} holds {@code n} messages, as a step under test expects it to. */
    static void awaitMessages(Channel ch, String queue, int n) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ch.queueDeclarePassive(queue).getMessageCount() < n && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(ch.queueDeclarePassive(queue).getMessageCount()).as(queue).isEqualTo(n);
    }
}
