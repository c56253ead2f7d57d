package org.amihes.dlms;

import java.util.regex.Pattern;

/**
 * Where the meter keeps what the deciphering diagnosis ({@link AssociationDiagnosis}) reads over the public
 * association: the security setup of our client's association and our client's frame counter. Real meters have
 * one security setup per association and one frame counter per client (IDIS, DSMR: 0.0.43.0.e.255, 0.0.43.1.e.255),
 * so none of them is fixed. Each field is optional (null); the rule, in order:
 * <ol>
 *   <li>security setup: {@code securitySetup} when configured; otherwise the one named by attribute 9
 *       (security_setup_reference) of our client's Association LN object, which is {@code association} when
 *       configured, otherwise the first instance 0.0.40.0.e.255, e = 1, 2, ... up to {@link #MAX_ASSOCIATIONS}, whose
 *       attribute 3 (associated_partners_id) names our client address (the search stops at an undefined instance).
 *       Not 0.0.40.0.0.255: read over the public client, the current association is the public one.</li>
 *   <li>frame counter: {@code frameCounter} when configured; otherwise 0.0.43.1.e.255 with e the E field of the
 *       security setup found in 1 (IDIS and DSMR number a client's frame counter like its security setup).</li>
 * </ol>
 * Whatever cannot be found or read is reported as not read, never guessed.
 *
 * @param association   our client's Association LN object (class 15), e.g. 0.0.40.0.3.255; null to search for it
 * @param securitySetup the security setup (class 64) our client's association uses; null to follow the reference
 * @param frameCounter  the Data object holding the last invocation counter the meter accepted from our client
 */
public record SecurityObjects(String association, String securitySetup, String frameCounter) {

    /** Nothing configured: everything is found on the meter. */
    public static final SecurityObjects FIND_ON_METER = new SecurityObjects(null, null, null);

    /** Association LN instances searched for our client: 0.0.40.0.1.255 to 0.0.40.0.16.255. */
    public static final int MAX_ASSOCIATIONS = 16;

    private static final Pattern OBIS = Pattern.compile("(\\d{1,3}\\.){5}\\d{1,3}");

    public SecurityObjects {
        requireObis("association", association);
        requireObis("securitySetup", securitySetup);
        requireObis("frameCounter", frameCounter);
    }

    /** The frame counter that goes with a security setup: same instance (E field), group C 43, D 1. */
    static String frameCounterOf(String securitySetup) {
        return "0.0.43.1." + securitySetup.split("\\.")[4] + ".255";
    }

    private static void requireObis(String name, String value) {
        if (value != null && !OBIS.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " must be an OBIS code a.b.c.d.e.f, got '" + value + "'");
        }
    }
}
