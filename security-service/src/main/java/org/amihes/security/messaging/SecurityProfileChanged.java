package org.amihes.security.messaging;

import org.amihes.security.domain.Authentication;
import org.amihes.security.domain.SecurityPolicy;

/**
 * A security profile was created or its settings changed, on the {@code security-events} exchange with routing key
 * {@code profile.changed}. Never sent for an idempotent repeat; {@code version} lets consumers drop stale events.
 */
public record SecurityProfileChanged(String name, int securitySuite, Authentication authentication,
        SecurityPolicy securityPolicy, int clientAddress, String securitySetup, String frameCounter, int version) {

    public static final String ROUTING_KEY = "profile.changed";
}
