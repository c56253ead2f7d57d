package org.amihes.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.amihes.service.testing.TestRabbit;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's database and virtual host, as {@code ./hes test} and {@code ./hes bench} prepare them
 * ({@code bench_target}): jobs a run cut short left in the benchmark's virtual host are gone before the next run
 * starts its services (they would execute them), and the default virtual host, where a running stack and the tests
 * keep their queues, is not touched. Against this machine's RabbitMQ and PostgreSQL, through the script's own step; on
 * a virtual host of the test's own, deleted after.
 */
class BenchTargetIT {

    @Test
    void aLeftJobIsGoneFromTheBenchmarksVirtualHostAndTheDefaultOneIsKept() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String vhost = "amihes-bench-it-" + run;
        String jobs = "association.jobs.00";
        String kept = "bench-target-" + run + ".kept";
        try {
            String first = benchTarget(vhost);
            assertThat(first).contains("creating RabbitMQ virtual host " + vhost);
            ConnectionFactory bench = TestRabbit.factory();
            bench.setVirtualHost(vhost);
            try (Connection c = bench.newConnection("bench-target-it"); Channel ch = c.createChannel()) {
                ch.queueDeclare(jobs, true, false, false, null);
                ch.basicPublish("", jobs, null, "a job of a run cut short".getBytes(StandardCharsets.UTF_8));
                HesSteps.awaitMessages(ch, jobs, 1);
            }
            try (Connection c = TestRabbit.factory().newConnection("bench-target-it"); Channel ch = c.createChannel()) {
                ch.queueDeclare(kept, true, false, false, null);
                ch.basicPublish("", kept, null, "the default virtual host's".getBytes(StandardCharsets.UTF_8));
                HesSteps.awaitMessages(ch, kept, 1);
            }

            String again = benchTarget(vhost);

            assertThat(again).contains("emptying RabbitMQ virtual host " + vhost);
            try (Connection c = bench.newConnection("bench-target-it")) {
                Channel ch = c.createChannel(); // closed by the broker on the failed declaration
                assertThatThrownBy(() -> ch.queueDeclarePassive(jobs)).as("the left job's queue is gone")
                        .isInstanceOf(IOException.class).hasStackTraceContaining("NOT_FOUND");
            }
            try (Connection c = TestRabbit.factory().newConnection("bench-target-it"); Channel ch = c.createChannel()) {
                assertThat(ch.queueDeclarePassive(kept).getMessageCount()).as("the default virtual host's queue")
                        .isEqualTo(1);
            }
        } finally {
            HesSteps.run(Map.of(), "as_root \"$(sbin_cmd rabbitmqctl)\" -q delete_vhost " + vhost + " >/dev/null 2>&1 || true");
            try (Connection c = TestRabbit.factory().newConnection("bench-target-it"); Channel ch = c.createChannel()) {
                ch.queueDelete(kept); // also when an assertion failed: nothing of the test's is left in "/"
            }
        }
    }

    /** {@code bench_target} on {@code vhost} and the benchmark's database; what it said. */
    private static String benchTarget(String vhost) throws Exception {
        String out = HesSteps.run(Map.of("HES_BENCH_VHOST", vhost),
                "unset HES_BENCH_DB_NAME; bench_target && echo \"db=$HES_BENCH_DB_NAME vhost=$HES_BENCH_VHOST\"");
        assertThat(out).contains("db=amihes_bench vhost=" + vhost);
        return out;
    }
}
