package org.amihes.security.domain;

/**
 * The association settings a group of meters uses.
 *
 * @param securitySuite DLMS security suite: 0 (AES-GCM-128), 1 (ECDH/ECDSA P-256), 2 (ECDH/ECDSA P-384)
 */
public record SecurityProfile(String name, int securitySuite, Authentication authentication,
        SecurityPolicy securityPolicy) {
}
