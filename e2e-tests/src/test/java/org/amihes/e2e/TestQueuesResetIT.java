package org.amihes.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.service.testing.TestRabbit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./hes test} starts with the tests' queues empty: jobs a run cut short left in them (a test that failed midway
 * through a 10,000-job storm, say) would otherwise be taken by the next run's services as their own, and its counts of
 * results would be off. Against this machine's RabbitMQ, through the script's own step, as {@code ./hes test} runs it.
 */
class TestQueuesResetIT {

    @Test
    void theTestsQueuesAreEmptiedAndNoOtherQueue() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> tests = List.of("reset-" + run + ".test", "reset-" + run + ".e2e.07", "reset-" + run + "-ptest");
        String other = "reset-" + run + ".kept";
        List<String> all = java.util.stream.Stream.concat(tests.stream(), java.util.stream.Stream.of(other)).toList();
        try (Connection c = TestRabbit.factory().newConnection("test-queues-reset"); Channel ch = c.createChannel()) {
            try {
                for (String q : all) {
                    ch.queueDeclare(q, true, false, false, null);
                    for (int i = 0; i < 3; i++) {
                        ch.basicPublish("", q, null, ("left by an earlier run " + i).getBytes(StandardCharsets.UTF_8));
                    }
                }
                for (String q : all) {
                    HesSteps.awaitMessages(ch, q, 3);
                }

                String out = HesSteps.run(Map.of(), "reset_test_queues");

                for (String q : tests) {
                    assertThat(ch.queueDeclarePassive(q).getMessageCount()).as(q + ": " + out).isZero();
                    assertThat(out).contains("emptying the test queue " + q);
                }
                assertThat(ch.queueDeclarePassive(other).getMessageCount()).as(other + " is no test's").isEqualTo(3);
                assertThat(out).doesNotContain(other);
            } finally {
                for (String q : all) {
                    ch.queueDelete(q);
                }
            }
        }
    }
}
