package org.amihes.simulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;

/**
 * A simulated meter's secrets, derived from the fleet seed and the meter id, so the same fleet file always has
 * the same keys and a test can compute them without asking the simulator. Deterministic on purpose: these are
 * simulated meters, never real key material.
 *
 * @param systemTitle       8 bytes: the 3-letter manufacturer id and 5 bytes of the serial number
 *                          ({@link CosemObjects#systemTitle})
 * @param blockCipherKey    global unicast encryption key, 16 bytes (32 for suite 2)
 * @param authenticationKey global authentication key, same length
 * @param hlsSecret         HLS-SHA256 shared secret
 * @param signingKey        the meter's ECDSA key pair (P-256 for suite 1, P-384 for suite 2), null below suite 1
 * @param masterKey         the key-encryption key (KEK) that wraps keys sent to the meter (security setup method 2)
 */
public record MeterKeys(byte[] systemTitle, byte[] blockCipherKey, byte[] authenticationKey, byte[] hlsSecret,
                        KeyPair signingKey, byte[] masterKey) {

    /** The head-end's system title every simulated meter expects. */
    public static final byte[] HEAD_END_SYSTEM_TITLE = "HES00001".getBytes(StandardCharsets.US_ASCII);

    public static MeterKeys derive(long fleetSeed, MeterSpec meter, VendorProfile profile) {
        int suite = profile.securitySuite();
        int keyLength = suite == 2 ? 32 : 16;
        return new MeterKeys(CosemObjects.systemTitle(meter, profile),
                Arrays.copyOf(digest(fleetSeed, meter.meterId(), "block-cipher-key"), keyLength),
                Arrays.copyOf(digest(fleetSeed, meter.meterId(), "authentication-key"), keyLength),
                Arrays.copyOf(digest(fleetSeed, meter.meterId(), "hls-secret"), 16),
                suite == 0 ? null : ecKeyPair(suite, digest(fleetSeed, meter.meterId(), "signing-key")),
                Arrays.copyOf(digest(fleetSeed, meter.meterId(), "master-key"), keyLength));
    }

    /** The same meter after a key transfer installed new global keys. */
    public MeterKeys withCipherKeys(byte[] newBlockCipherKey, byte[] newAuthenticationKey) {
        return new MeterKeys(systemTitle, newBlockCipherKey, newAuthenticationKey, hlsSecret, signingKey, masterKey);
    }

    /** The head-end's ECDSA key pair for a fleet: every simulated meter trusts its public key. */
    public static KeyPair headEndSigningKey(long fleetSeed, int suite) {
        return ecKeyPair(suite, digest(fleetSeed, "head-end", "signing-key"));
    }

    private static KeyPair ecKeyPair(int suite, byte[] seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG"); // seeded before first use: deterministic
            random.setSeed(seed);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(suite == 2 ? "secp384r1" : "secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks EC key generation", e);
        }
    }

    private static byte[] digest(long seed, String meterId, String purpose) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((seed + "/" + meterId + "/" + purpose).getBytes(StandardCharsets.UTF_8));
            return sha.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
