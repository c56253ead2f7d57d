package org.amihes.service.testing;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real RabbitMQ outage for fault tests: {@code rabbitmqctl stop_app}, a pause, {@code start_app}. The broker's
 * durable queues and persistent messages survive, every connection is cut, as in a broker restart. Needs the local
 * broker's {@code rabbitmqctl} (installed with RabbitMQ by {@code ./hes}); run as root or the rabbitmq user.
 */
public final class BrokerOutage {

    private BrokerOutage() {
    }

    /** Stops the broker application, keeps it down for {@code down}, starts it and waits until it accepts AMQP. */
    public static void restart(Duration down) throws Exception {
        stop();
        Thread.sleep(down.toMillis());
        start();
    }

    /** Stops the broker application: every connection is cut. */
    public static void stop() throws Exception {
        rabbitmqctl("stop_app");
    }

    /** Starts the broker application and waits until it accepts AMQP. */
    public static void start() throws Exception {
        rabbitmqctl("start_app");
        rabbitmqctl("await_startup");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", Integer.parseInt(System.getenv().getOrDefault("RABBITMQ_PORT", "5672")))) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("RabbitMQ did not accept connections within 60 s after start_app");
    }

    private static void rabbitmqctl(String command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(List.of("rabbitmqctl", command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("rabbitmqctl is needed for broker fault tests (install RabbitMQ locally "
                    + "with ./hes infra): " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl " + command + " failed: " + out);
        }
    }
}
