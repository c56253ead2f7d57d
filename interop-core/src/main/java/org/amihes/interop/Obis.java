package org.amihes.interop;

import java.util.regex.Pattern;

/** The OBIS codes the plan reads when a declaration does not say otherwise (IEC 62056-6-1). */
final class Obis {

    static final String ENERGY = "1.0.1.8.0.255";
    static final String CLOCK = "0.0.1.0.0.255";
    static final String FIRMWARE = "1.0.0.2.0.255";
    static final String CURRENT_ASSOCIATION = "0.0.40.0.0.255";

    private static final Pattern CODE = Pattern.compile("(\\d{1,3}\\.){5}\\d{1,3}");

    private Obis() {
    }

    static boolean valid(String obis) {
        if (obis == null || !CODE.matcher(obis).matches()) {
            return false;
        }
        for (String part : obis.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
