package org.amihes.association.domain;

import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.SecurityObjects;
import org.amihes.dlms.SecuritySettings;
import org.amihes.dlms.SessionSettings;

/**
 * What association needs beyond the registry to open a meter's secured association: its security profile and its
 * keys, from security-service. In memory only (bounded and expiring in {@link CredentialCache}); {@link #toString()}
 * never shows a key.
 *
 * @param keys             in the order to try them: the ACTIVE version first, then, during a rotation, the PENDING
 *                         one; the version the meter last accepted first ({@link #preferring})
 * @param meterSigningKey  the meter's ECDSA public key (HLS-ECDSA), null otherwise
 * @param headEndSigningKey the head-end's ECDSA key pair for the suite (HLS-ECDSA), null otherwise
 */
public record MeterCredentials(String profile, int profileVersion, AuthenticationLevel authentication, int suite,
                               SecuritySettings.SecurityPolicy policy, int clientAddress, SecurityObjects objects,
                               byte[] headEndSystemTitle, List<KeyVersion> keys, PublicKey meterSigningKey,
                               KeyPair headEndSigningKey) {

    /** One key version's secrets. */
    public record KeyVersion(int version, String state, byte[] blockCipherKey, byte[] authenticationKey,
                             byte[] hlsSecret, String llsPassword) {
        @Override
        public String toString() {
            return "KeyVersion[" + version + " " + state + "]";
        }
    }

    public MeterCredentials {
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no key version");
        }
    }

    /**
     * These credentials with {@code version} tried first: the meter associated with it (a rotation's confirmation made
     * with the PENDING version), so it holds that version, whatever security-service's states said when they were
     * fetched. The same credentials when that version is first already or not here.
     */
    public MeterCredentials preferring(int version) {
        if (keys.get(0).version() == version || keys.stream().noneMatch(k -> k.version() == version)) {
            return this;
        }
        List<KeyVersion> reordered = new java.util.ArrayList<>(keys.size());
        keys.stream().filter(k -> k.version() == version).forEach(reordered::add);
        keys.stream().filter(k -> k.version() != version).forEach(reordered::add);
        return new MeterCredentials(profile, profileVersion, authentication, suite, policy, clientAddress, objects,
                headEndSystemTitle, reordered, meterSigningKey, headEndSigningKey);
    }

    /** The session with the given key version (index into {@link #keys()}). */
    public SessionSettings session(Meter meter, int keyIndex, Duration responseTimeout, int maxPduSize) {
        KeyVersion key = keys.get(keyIndex);
        boolean ciphered = authentication.ordinal() > AuthenticationLevel.LOW.ordinal()
                || policy != SecuritySettings.SecurityPolicy.NONE;
        SecuritySettings security = ciphered ? new SecuritySettings(suite, policy, headEndSystemTitle,
                key.blockCipherKey(), key.authenticationKey(), null, 0, headEndSigningKey, meterSigningKey,
                key.hlsSecret(), objects) : null;
        return new SessionSettings(meter.host(), meter.port(), meter.transport(), clientAddress, meter.logicalDevice(),
                authentication, authentication == AuthenticationLevel.LOW ? key.llsPassword() : null, responseTimeout,
                maxPduSize, security);
    }

    /**
     * Indexes into {@link #keys()} to associate with: the given version only, or, with none given, every version in
     * the order of {@link #keys()}. Empty when the given version is not here.
     */
    public List<Integer> candidates(Integer version) {
        List<Integer> out = new java.util.ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            if (version == null || keys.get(i).version() == version) {
                out.add(i);
            }
        }
        return out;
    }

    /** How the association is secured, for results and audit: e.g. "HIGH_GMAC suite 0 AUTHENTICATED_ENCRYPTED, client 1". */
    public String describe() {
        return authentication + " suite " + suite + " " + policy + ", client " + clientAddress + " (profile " + profile
                + ")";
    }

    /** {@link #describe()} with the key version used. */
    public String describe(int keyIndex) {
        KeyVersion key = keys.get(keyIndex);
        return authentication + " suite " + suite + " " + policy + ", client " + clientAddress + " (profile " + profile
                + ", key v" + key.version() + " " + key.state() + ")";
    }

    @Override
    public String toString() {
        return "MeterCredentials[" + describe() + ", keys " + keys + "]";
    }
}
