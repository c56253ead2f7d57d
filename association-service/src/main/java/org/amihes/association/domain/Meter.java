package org.amihes.association.domain;

import java.time.Duration;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.transport.TransportKind;

/** A registered meter: how to reach it and how to associate with it. Immutable; the registry replaces it whole. */
public record Meter(String meterId, String vendor, String host, int port, TransportKind transport, int clientAddress,
                    int logicalDevice, AuthenticationLevel authentication) {

    public SessionSettings sessionSettings(Duration responseTimeout, int maxPduSize) {
        return new SessionSettings(host, port, transport, clientAddress, logicalDevice, authentication, null,
                responseTimeout, maxPduSize, null);
    }
}
