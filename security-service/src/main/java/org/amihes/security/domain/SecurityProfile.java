package org.amihes.security.domain;

/**
 * The association settings a group of meters uses (by vendor, model or meter: the registry names a meter's profile).
 *
 * @param securitySuite DLMS security suite: 0 (AES-GCM-128), 1 (ECDH/ECDSA P-256), 2 (ECDH/ECDSA P-384)
 * @param clientAddress the client SAP of the association (1 management HLS, 32 LLS, 16 public, by convention)
 * @param securitySetup logical name of the security setup object (class 64) of the association, null when the
 *                      head-end reads it from the meter (Association LN attribute 9)
 * @param frameCounter  logical name of the meter's frame counter object (class 1), null when the head-end finds it
 */
public record SecurityProfile(String name, int securitySuite, Authentication authentication,
        SecurityPolicy securityPolicy, int clientAddress, String securitySetup, String frameCounter) {

    /** With the conventional client address of the mechanism and the security objects found on the meter. */
    public SecurityProfile(String name, int securitySuite, Authentication authentication, SecurityPolicy securityPolicy) {
        this(name, securitySuite, authentication, securityPolicy, defaultClient(authentication), null, null);
    }

    /** Management HLS client 1, LLS client 32, public client 16 (the IDIS/DSMR convention). */
    public static int defaultClient(Authentication authentication) {
        return switch (authentication) {
            case NONE -> 16;
            case LOW -> 32;
            default -> 1;
        };
    }
}
