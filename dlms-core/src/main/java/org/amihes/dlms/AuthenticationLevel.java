package org.amihes.dlms;

import gurux.dlms.enums.Authentication;

/** Association authentication mechanisms (DLMS UA Green Book, mechanism ids 0, 1, 5, 6, 7). */
public enum AuthenticationLevel {
    NONE(Authentication.NONE),
    LOW(Authentication.LOW),
    HIGH_GMAC(Authentication.HIGH_GMAC),
    HIGH_SHA256(Authentication.HIGH_SHA256),
    HIGH_ECDSA(Authentication.HIGH_ECDSA);

    private final Authentication gurux;

    AuthenticationLevel(Authentication gurux) {
        this.gurux = gurux;
    }

    Authentication gurux() {
        return gurux;
    }
}
