package org.amihes.service.testing;

import com.rabbitmq.client.ConnectionFactory;

/**
 * The tests' own RabbitMQ client settings: the same environment as the services (RABBITMQ_HOST, RABBITMQ_PORT,
 * RABBITMQ_USER, RABBITMQ_PASSWORD, RABBITMQ_VHOST), so a test and the service under test meet on one broker and
 * one virtual host (parallel checkouts can each use their own vhost).
 */
public final class TestRabbit {

    private TestRabbit() {
    }

    public static ConnectionFactory factory() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(env("RABBITMQ_HOST", "127.0.0.1"));
        f.setPort(Integer.parseInt(env("RABBITMQ_PORT", "5672")));
        f.setUsername(env("RABBITMQ_USER", "guest"));
        f.setPassword(env("RABBITMQ_PASSWORD", "guest"));
        f.setVirtualHost(env("RABBITMQ_VHOST", "/"));
        return f;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
