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

    /** One meter asked for in a batch, under the security profile its registry entry names. */
    public record Wanted(String meterId, String profile) {
    }

    /** The answer for one meter of a batch: its credentials, or the problem a request for it alone would answer. */
    public record Answer(String meterId, String profile, Response credentials, org.amihes.service.rest.Problem problem) {
    }

    /** Blocking: unwraps in the HSM. */
    public Response of(String meterId, VersionedProfile stored) {
        return of(meterId, stored, keyStore(() -> vault.current(meterId)), new HeadEnd());
    }

    /** A look-up in the key store (PostgreSQL); its failure is the store being unavailable. */
    private interface KeyStoreCall<T> {
        T call() throws SQLException;
    }

    private static <T> T keyStore(KeyStoreCall<T> call) {
        try {
            return call.call();
        } catch (SQLException e) {
            throw new IllegalStateException("key store unavailable: " + e.getMessage(), e);
        }
    }

    /**
     * The credentials of many meters, each answered as {@link #of(String, VersionedProfile)} would answer it alone:
     * one query for all their keys, one unwrap per meter, the head-end's keys looked up once. Blocking.
     *
     * @param profiles the stored profiles by name; a name without one is answered 404 for its meters
     */
    public List<Answer> of(List<Wanted> wanted, java.util.Map<String, VersionedProfile> profiles) {
        java.util.Map<String, KeyVault.Current> current = keyStore(() -> vault.current(wanted.stream()
                .map(Wanted::meterId).distinct().toList()));
        HeadEnd headEnd = new HeadEnd();
        List<Answer> answers = new ArrayList<>(wanted.size());
        for (Wanted w : wanted) {
            try {
                VersionedProfile stored = profiles.get(w.profile());
                if (stored == null) {
                    throw ProblemException.notFound("profile", "no security profile '" + w.profile() + "'");
                }
                answers.add(new Answer(w.meterId(), w.profile(), of(w.meterId(), stored, current.get(w.meterId()),
                        headEnd), null));
            } catch (ProblemException refused) {
                answers.add(new Answer(w.meterId(), w.profile(), null, refused.problem()));
            }
        }
        return answers;
    }

    /** The head-end's signing keys and system title, each looked up once for all the meters of a request. */
    private final class HeadEnd {
        private final java.util.Map<Integer, Optional<HeadEndKey>> signing = new java.util.HashMap<>();
        private Optional<byte[]> systemTitle;

        Optional<HeadEndKey> signing(int suite) {
            Optional<HeadEndKey> known = signing.get(suite);
            if (known == null) {
                known = keyStore(() -> vault.headEnd(suite));
                signing.put(suite, known);
            }
            return known;
        }

        Optional<byte[]> systemTitle() {
            if (systemTitle == null) {
                systemTitle = keyStore(vault::headEndSystemTitle);
            }
            return systemTitle;
        }
    }

    private Response of(String meterId, VersionedProfile stored, KeyVault.Current current, HeadEnd headEnd) {
        SecurityProfile profile = stored.profile();
        if (profile.securitySuite() < config.minimumSuite()) {
            throw ProblemException.conflict("profile", "security profile '" + profile.name() + "' uses suite "
                    + profile.securitySuite() + ", below the minimum suite " + config.minimumSuite()
                    + " this head-end allows (hes.keys.minimum-suite)");
        }
        MeterKeys active = current.active().orElseThrow(() -> ProblemException.notFound("meterId",
                "meter '" + meterId + "' has no active keys; import its key delivery"));
        if (!profile.authentication().name().equals(active.authentication().name())
                || profile.securitySuite() != active.securitySuite()
                || profile.securityPolicy() != active.securityPolicy()) {
            throw ProblemException.conflict("profile", ProfileConsistency.SUITE_MISMATCH + ": security profile '"
                    + profile.name() + "' says " + describe(profile.authentication().name(), profile.securitySuite(),
                    profile.securityPolicy().name()) + ", the key delivery of meter " + meterId + " says "
                    + describe(active.authentication().name(), active.securitySuite(), active.securityPolicy().name()));
        }
        Optional<HeadEndKey> signing = profile.securitySuite() == 0 ? Optional.empty()
                : headEnd.signing(profile.securitySuite());
        if (profile.securitySuite() > 0 && signing.isEmpty()) {
            throw ProblemException.conflict("profile", "the head-end has no suite " + profile.securitySuite()
                    + " signing key; import a key delivery with a headEnd section");
        }
        HexFormat hex = HexFormat.of();
        Base64.Encoder b64 = Base64.getEncoder();
        List<Version> versions = new ArrayList<>(2);
        versions.add(version(active, hex));
        current.pending().ifPresent(p -> versions.add(version(p, hex)));
        byte[] headEndTitle = signing.map(HeadEndKey::systemTitle).orElseGet(() -> headEnd.systemTitle().orElse(null));
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
