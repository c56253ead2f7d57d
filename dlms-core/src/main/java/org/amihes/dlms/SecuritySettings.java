package org.amihes.dlms;

import java.security.KeyPair;
import java.security.PublicKey;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Ciphering of an association (DLMS UA Green Book, security suites 0, 1, 2). Keys live here only for the length
 * of a session; at rest they belong to security-service.
 *
 * @param suite                0 AES-GCM-128; 1 ECDH/ECDSA P-256 + AES-GCM-128; 2 P-384 + AES-GCM-256
 * @param policy               what is protected on the wire
 * @param clientSystemTitle    8 bytes: 3-letter manufacturer id + 5 bytes serial
 * @param blockCipherKey       global unicast encryption key (16 bytes, 32 for suite 2)
 * @param authenticationKey    global authentication key (same length)
 * @param dedicatedKey         optional dedicated key for this association, null to use the global key
 * @param invocationCounter    the next invocation counter to use with the block cipher key
 * @param clientSigningKey     HLS-ECDSA: the client's signing key pair, null otherwise
 * @param serverSigningKey     HLS-ECDSA: the meter's public signing key, null otherwise
 * @param hlsSecret            HLS-SHA256 shared secret, null otherwise
 * @param objects              where the meter keeps the security setup and frame counter the diagnosis reads
 */
public record SecuritySettings(int suite, SecurityPolicy policy, byte[] clientSystemTitle, byte[] blockCipherKey,
                               byte[] authenticationKey, byte[] dedicatedKey, long invocationCounter,
                               KeyPair clientSigningKey, PublicKey serverSigningKey, byte[] hlsSecret,
                               SecurityObjects objects) {

    public enum SecurityPolicy { NONE, AUTHENTICATED, ENCRYPTED, AUTHENTICATED_ENCRYPTED }

    public SecuritySettings {
        if (suite < 0 || suite > 2) {
            throw new IllegalArgumentException("security suite must be 0, 1 or 2, not " + suite);
        }
        Objects.requireNonNull(policy, "policy");
        int keyLength = suite == 2 ? 32 : 16;
        requireLength("blockCipherKey", blockCipherKey, keyLength);
        requireLength("authenticationKey", authenticationKey, keyLength);
        if (dedicatedKey != null) {
            requireLength("dedicatedKey", dedicatedKey, keyLength);
        }
        requireLength("clientSystemTitle", clientSystemTitle, 8);
        objects = objects == null ? SecurityObjects.FIND_ON_METER : objects;
        if (invocationCounter < 0 || invocationCounter > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("invocation counter out of range: " + invocationCounter);
        }
    }

    /** With the security setup and frame counter found on the meter ({@link SecurityObjects#FIND_ON_METER}). */
    public SecuritySettings(int suite, SecurityPolicy policy, byte[] clientSystemTitle, byte[] blockCipherKey,
                            byte[] authenticationKey, byte[] dedicatedKey, long invocationCounter,
                            KeyPair clientSigningKey, PublicKey serverSigningKey, byte[] hlsSecret) {
        this(suite, policy, clientSystemTitle, blockCipherKey, authenticationKey, dedicatedKey, invocationCounter,
                clientSigningKey, serverSigningKey, hlsSecret, SecurityObjects.FIND_ON_METER);
    }

    public SecuritySettings withInvocationCounter(long counter) {
        return new SecuritySettings(suite, policy, clientSystemTitle, blockCipherKey, authenticationKey, dedicatedKey,
                counter, clientSigningKey, serverSigningKey, hlsSecret, objects);
    }

    public SecuritySettings withObjects(SecurityObjects newObjects) {
        return new SecuritySettings(suite, policy, clientSystemTitle, blockCipherKey, authenticationKey, dedicatedKey,
                invocationCounter, clientSigningKey, serverSigningKey, hlsSecret, newObjects);
    }

    /** Names the key by its role and length only: its bytes never reach a message. */
    private static void requireLength(String name, byte[] value, int length) {
        if (value == null || value.length != length) {
            throw new IllegalArgumentException(name + " must be " + length + " bytes, got "
                    + (value == null ? "none" : value.length));
        }
    }

    /** Keys never reach logs. */
    @Override
    public String toString() {
        return "SecuritySettings[suite=" + suite + ", policy=" + policy + ", systemTitle="
                + HexFormat.of().formatHex(clientSystemTitle) + ", invocationCounter=" + invocationCounter
                + ", objects=" + objects + "]";
    }
}
