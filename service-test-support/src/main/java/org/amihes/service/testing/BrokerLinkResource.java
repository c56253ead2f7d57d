package org.amihes.service.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/**
 * Puts a {@link BrokerLink} between the Quarkus application under test and RabbitMQ ({@code rabbitmq-host} and
 * {@code rabbitmq-port} point at it) and injects it into the test's field annotated {@link InjectBrokerLink}, so the
 * test can cut the application's broker connections: {@code @WithTestResource(BrokerLinkResource.class)}.
 */
public final class BrokerLinkResource implements QuarkusTestResourceLifecycleManager {

    /** Marks the test's {@link BrokerLink} field. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectBrokerLink {
    }

    private BrokerLink link;

    @Override
    public Map<String, String> start() {
        try {
            link = BrokerLink.toTestBroker();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot open the broker link: " + e.getMessage(), e);
        }
        return Map.of("rabbitmq-host", "127.0.0.1", "rabbitmq-port", Integer.toString(link.port()));
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(link, new TestInjector.AnnotatedAndMatchesType(InjectBrokerLink.class, BrokerLink.class));
    }

    @Override
    public void stop() {
        if (link != null) {
            link.close();
        }
    }
}
