package org.amihes.dlms;

import java.time.Duration;
import java.util.Objects;
import org.amihes.dlms.transport.TransportKind;

/**
 * Everything needed to open an association with one meter.
 *
 * @param clientAddress   client SAP: 16 public client, 32 LLS management client, 1 HLS management client, ...
 * @param logicalDevice   server SAP of the logical device, 1 for the management logical device
 * @param password        LLS secret, null without LLS
 * @param responseTimeout how long one request may wait for its answer before the meter counts as silent
 * @param maxPduSize      the largest APDU this client proposes to receive
 */
public record SessionSettings(String host, int port, TransportKind transport, int clientAddress, int logicalDevice,
                              AuthenticationLevel authentication, String password, Duration responseTimeout,
                              int maxPduSize) {

    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_PDU = 1024;

    public SessionSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
    }

    /** Public client, no authentication: what every meter allows for reading its public objects. */
    public static SessionSettings publicClient(String host, int port, TransportKind transport) {
        return new SessionSettings(host, port, transport, 16, 1, AuthenticationLevel.NONE, null,
                DEFAULT_RESPONSE_TIMEOUT, DEFAULT_MAX_PDU);
    }

    public SessionSettings withResponseTimeout(Duration timeout) {
        return new SessionSettings(host, port, transport, clientAddress, logicalDevice, authentication, password,
                timeout, maxPduSize);
    }

    public String target() {
        return host + ":" + port + "/" + transport;
    }
}
