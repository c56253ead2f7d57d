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
 * @param security        ciphering and HLS keys, null for an unciphered association (no auth or LLS)
 */
public record SessionSettings(String host, int port, TransportKind transport, int clientAddress, int logicalDevice,
                              AuthenticationLevel authentication, String password, Duration responseTimeout,
                              int maxPduSize, SecuritySettings security) {

    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_PDU = 1024;

    public SessionSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        if (authentication.ordinal() > AuthenticationLevel.LOW.ordinal() && security == null) {
            throw new IllegalArgumentException(authentication + " needs security settings (keys, system title)");
        }
        if (authentication == AuthenticationLevel.HIGH_ECDSA && security != null
                && (security.suite() == 0 || security.clientSigningKey() == null || security.serverSigningKey() == null)) {
            throw new IllegalArgumentException("HLS-ECDSA needs suite 1 or 2 and both signing keys");
        }
    }

    /** Public client, no authentication: what every meter allows for reading its public objects. */
    public static SessionSettings publicClient(String host, int port, TransportKind transport) {
        return new SessionSettings(host, port, transport, 16, 1, AuthenticationLevel.NONE, null,
                DEFAULT_RESPONSE_TIMEOUT, DEFAULT_MAX_PDU, null);
    }

    public SessionSettings withResponseTimeout(Duration timeout) {
        return new SessionSettings(host, port, transport, clientAddress, logicalDevice, authentication, password,
                timeout, maxPduSize, security);
    }

    public SessionSettings withSecurity(SecuritySettings newSecurity) {
        return new SessionSettings(host, port, transport, clientAddress, logicalDevice, authentication, password,
                responseTimeout, maxPduSize, newSecurity);
    }

    /** The same meter through its public client (16, no security): to probe it when a secured association fails. */
    public SessionSettings publicProbe() {
        return new SessionSettings(host, port, transport, 16, logicalDevice, AuthenticationLevel.NONE, null,
                responseTimeout, maxPduSize, null);
    }

    public String target() {
        return host + ":" + port + "/" + transport;
    }

    /** The LLS password never reaches logs; keys are kept out by {@link SecuritySettings#toString()}. */
    @Override
    public String toString() {
        return "SessionSettings[" + target() + ", client=" + clientAddress + ", logicalDevice=" + logicalDevice
                + ", authentication=" + authentication + ", password=" + (password == null ? "none" : "(set)")
                + ", responseTimeout=" + responseTimeout + ", maxPduSize=" + maxPduSize + ", security=" + security
                + "]";
    }
}
