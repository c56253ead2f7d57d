package org.amihes.security.rest;

import static org.amihes.security.rest.Profiles.json;
import static org.amihes.security.rest.Profiles.post;
import static org.amihes.security.rest.Profiles.put;
import static org.amihes.security.rest.Profiles.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.amihes.security.domain.Authentication;
import org.amihes.security.domain.SecurityPolicy;
import org.amihes.security.messaging.ProfileEventsProbe;
import org.amihes.security.messaging.SecurityProfileChanged;
import org.junit.jupiter.api.Test;

/** SecurityProfileChanged travels through the real RabbitMQ broker, once per real change. */
@QuarkusTest
class ProfileEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    ProfileEventsProbe probe;

    @Test
    void creationAndChangeAreAnnouncedRepeatsAreNot() throws InterruptedException {
        String name = uniqueName();
        String created = json(name, 0, "HIGH_GMAC", "AUTHENTICATED_ENCRYPTED");
        post(created).statusCode(201);
        post(created).statusCode(200);
        put(name, created).statusCode(200);
        put(name, json(name, 1, "HIGH_ECDSA", "AUTHENTICATED_ENCRYPTED")).statusCode(200);

        assertThat(probe.await(name, 1, WAIT)).contains(new SecurityProfileChanged(name, 0,
                Authentication.HIGH_GMAC, SecurityPolicy.AUTHENTICATED_ENCRYPTED, 1, null, null, 1));
        assertThat(probe.await(name, 2, WAIT)).contains(new SecurityProfileChanged(name, 1,
                Authentication.HIGH_ECDSA, SecurityPolicy.AUTHENTICATED_ENCRYPTED, 1, null, null, 2));
        // one publisher, one queue: events arrive in order, so repeats announced in between would be here by now
        assertThat(probe.received(name)).extracting(SecurityProfileChanged::version).containsExactly(1, 2);
    }
}
