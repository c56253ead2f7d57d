package org.amihes.security.domain;

/** DLMS/COSEM authentication mechanism of an association (Green Book: none, LLS, HLS 5/6/7). */
public enum Authentication {
    NONE,
    LOW,
    HIGH_GMAC,
    HIGH_SHA256,
    HIGH_ECDSA
}
