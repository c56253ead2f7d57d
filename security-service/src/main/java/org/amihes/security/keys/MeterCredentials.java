package org.amihes.security.keys;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.amihes.security.domain.ProfileConsistency;
import org.amihes.security.domain.SecurityProfile;
import org.amihes.security.domain.VersionedProfile;
import org.amihes.service.rest.ProblemException;

/**
 * Hands a meter's keys to the association layer, and only to it (its OIDC client), after checking that the
 * security profile the registry names agrees with what the key delivery declared for the meter.
 */
@ApplicationScoped
public class MeterCredentials {

    /** One usable key version, secrets in hex (the LLS password as text). */
    public record Version(int version, String state, String blockCipherKey, String authenticationKey, String hlsSecret,
                          String llsPassword) {
        @Override
        public String toString() {
            return "Version[" + version + " " + state + "]";
        }
    }

    /**
     * @param profile           the association settings (client address, mechanism, suite, policy, security objects)
     * @param systemTitle       the meter's
     * @param headEndSystemTitle the head-end's, as the meter expects it
     * @param keys              ACTIVE first, then PENDING during a rotation
     * @param meterSigningKey   the meter's ECDSA public key (X.509, base64), suites 1 and 2
     * @param headEndSigningKey the head-end's ECDSA private key for the suite (PKCS#8, base64), suites 1 and 2
     */
    public record Response(String meterId, Profile profile, String systemTitle, String headEndSystemTitle,
                           List<Version> keys, String meterSigningKey, String headEndSigningKey,
                           String headEndSigningPublicKey) {
        @Override
        public String toString() {
            return "MeterCredentials[" + meterId + ", " + profile + ", " + keys + "]";
        }
    }

    public record Profile(String name, int version, String authentication, int securitySuite, String securityPolicy,
                          int clientAddress, String securitySetup, String frameCounter) {
    }

    private final KeyVault vault;
    private final KeysConfig config;
    public MeterCredentials(KeyVault vault, KeysConfig config) {
        this.vault = vault;
        this.config = config;
    }

    /**
     * Only association-service's client may take keys: the endpoint already requires the role key-consumer; this
     * also requires the token to be issued to the configured client ({@code azp}, hes.keys.consumer-client), so a
     * person or another service given the role by mistake still gets nothing.
     */
    public void authorizeConsumer(String authorizedParty) {
        if (!config.consumerClient().equals(authorizedParty)) {
            throw new ProblemException(org.amihes.service.rest.Problem.of(
                    org.amihes.service.rest.Problem.Type.ofStatus(403), "meter keys and invocation counters are only "
                            + "for the client " + config.consumerClient() + " (hes.keys.consumer-client); this token "
                            + "was issued to " + (authorizedParty == null ? "no client" : authorizedParty)));
        }
    }

    /** Blocking: unwraps in the HSM. */
    public Response of(String meterId, VersionedProfile stored) {
        SecurityProfile profile = stored.profile();
        if (profile.securitySuite() < config.minimumSuite()) {
            throw ProblemException.conflict("profile", "security profile '" + profile.name() + "' uses suite "
                    + profile.securitySuite() + ", below the minimum suite " + config.minimumSuite()
                    + " this head-end allows (hes.keys.minimum-suite)");
        }
        KeyVault.Current current;
        Optional<HeadEndKey> signing;
        try {
            current = vault.current(meterId);
            signing = profile.securitySuite() == 0 ? Optional.empty() : vault.headEnd(profile.securitySuite());
        } catch (SQLException e) {
            throw new IllegalStateException("key store unavailable: " + e.getMessage(), e);
        }
        MeterKeys active = current.active().orElseThrow(() -> ProblemException.notFound("meterId",
                "meter '" + meterId + "' has no active keys; import its key delivery"));
        if (profile.authentication().name().equals(active.authentication().name())
                && profile.securitySuite() == active.securitySuite()
                && profile.securityPolicy() == active.securityPolicy()) {
            // consistent
        } else {
            throw ProblemException.conflict("profile", ProfileConsistency.SUITE_MISMATCH + ": security profile '"
                    + profile.name() + "' says " + describe(profile.authentication().name(), profile.securitySuite(),
                    profile.securityPolicy().name()) + ", the key delivery of meter " + meterId + " says "
                    + describe(active.authentication().name(), active.securitySuite(), active.securityPolicy().name()));
        }
        if (profile.securitySuite() > 0 && signing.isEmpty()) {
            throw ProblemException.conflict("profile", "the head-end has no suite " + profile.securitySuite()
                    + " signing key; import a key delivery with a headEnd section");
        }
        HexFormat hex = HexFormat.of();
        Base64.Encoder b64 = Base64.getEncoder();
        List<Version> versions = new ArrayList<>(2);
        versions.add(version(active, hex));
        current.pending().ifPresent(p -> versions.add(version(p, hex)));
        byte[] headEndTitle = signing.map(HeadEndKey::systemTitle).orElse(null);
        if (headEndTitle == null) {
            try {
                headEndTitle = vault.headEndSystemTitle().orElse(null);
            } catch (SQLException e) {
                throw new IllegalStateException("key store unavailable: " + e.getMessage(), e);
            }
        }
        return new Response(meterId, new Profile(profile.name(), stored.version(), profile.authentication().name(),
                profile.securitySuite(), profile.securityPolicy().name(), profile.clientAddress(), profile.securitySetup(),
                profile.frameCounter()), hex.formatHex(active.systemTitle()),
                headEndTitle == null ? null : hex.formatHex(headEndTitle), versions,
                active.signingPublicKey() == null ? null : b64.encodeToString(active.signingPublicKey()),
                signing.map(k -> b64.encodeToString(k.privateKey())).orElse(null),
                signing.map(k -> b64.encodeToString(k.publicKey())).orElse(null));
    }

    private static String describe(String authentication, int suite, String policy) {
        return authentication + ", suite " + suite + ", " + policy;
    }

    private static Version version(MeterKeys keys, HexFormat hex) {
        SecretKeys s = keys.secrets();
        return new Version(keys.version(), keys.state().name(), hex.formatHex(s.blockCipherKey()),
                hex.formatHex(s.authenticationKey()), s.hlsSecret() == null ? null : hex.formatHex(s.hlsSecret()),
                s.llsPasswordText());
    }
}
