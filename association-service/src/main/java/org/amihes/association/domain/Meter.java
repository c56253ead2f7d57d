package org.amihes.association.domain;

import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.transport.TransportKind;

/**
 * A registered meter: how to reach it and how to associate with it. Immutable; the registry replaces it whole.
 *
 * @param clientAddress   client SAP when the meter has no security profile (16: the public client)
 * @param authentication  mechanism when the meter has no security profile
 * @param securityProfile the security-service profile the meter associates under (client, mechanism, suite, policy,
 *                        keys from security-service), null to use clientAddress and authentication without keys
 * @param tags            free labels (meter groups: service-commons {@code MeterGroup}), sorted, each once; never null
 */
public record Meter(String meterId, String vendor, String host, int port, TransportKind transport, int clientAddress,
                    int logicalDevice, AuthenticationLevel authentication, String securityProfile, List<String> tags) {

    public Meter {
        tags = tags == null ? List.of() : List.copyOf(new TreeSet<>(tags));
    }

    public Meter(String meterId, String vendor, String host, int port, TransportKind transport, int clientAddress,
                 int logicalDevice, AuthenticationLevel authentication, String securityProfile) {
        this(meterId, vendor, host, port, transport, clientAddress, logicalDevice, authentication, securityProfile,
                List.of());
    }

    public Meter(String meterId, String vendor, String host, int port, TransportKind transport, int clientAddress,
                 int logicalDevice, AuthenticationLevel authentication) {
        this(meterId, vendor, host, port, transport, clientAddress, logicalDevice, authentication, null);
    }

    /** The session without a security profile (no keys). */
    public SessionSettings sessionSettings(Duration responseTimeout, int maxPduSize) {
        return new SessionSettings(host, port, transport, clientAddress, logicalDevice, authentication, null,
                responseTimeout, maxPduSize, null);
    }
}
