package org.amihes.dlms;

import gurux.dlms.enums.Unit;

/**
 * The unit an OBIS code implies (IEC 62056-6-1 value groups C and D), to catch a vendor object map that puts
 * the wrong quantity behind a standard code. Only unambiguous codes are listed; anything else is not checked.
 */
final class ObisQuantities {

    private ObisQuantities() {
    }

    /** @return the required unit, or null when the code does not imply one this class knows */
    static Unit unitOf(String obis) {
        String[] p = obis.split("\\.");
        if (p.length != 6 || !p[0].equals("1")) {
            return null; // only electricity (A = 1)
        }
        int c = Integer.parseInt(p[2]);
        int d = Integer.parseInt(p[3]);
        boolean energy = d == 8 || d == 9; // time integral 1 / 2
        if (!energy) {
            return null;
        }
        return switch (c) {
            case 1, 2, 15, 16 -> Unit.ACTIVE_ENERGY;
            case 3, 4, 5, 6, 7, 8 -> Unit.REACTIVE_ENERGY;
            case 9, 10 -> Unit.APPARENT_ENERGY;
            default -> null;
        };
    }
}
