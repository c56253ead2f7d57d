package org.amihes.security.keys;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amihes.security.hsm.Hsm;
import org.amihes.service.rest.Problem;
import org.amihes.service.rest.RecordFile;

/**
 * Meter and head-end keys: stored wrapped by the HSM's master key, unwrapped only to hand them to the head-end's
 * association layer. Blocking (HSM and JDBC): call from worker threads.
 */
@ApplicationScoped
public class KeyVault {

    /**
     * What an import did.
     *
     * @param imported  meters whose keys were new (stored as version 1, ACTIVE)
     * @param unchanged meters whose same keys were stored already (a repeated delivery)
     * @param headEnd   head-end keys stored (new) and found unchanged
     */
    public record Imported(int meters, int imported, int unchanged, int headEndImported, int headEndUnchanged) {
    }

    /** A meter's usable key versions, unwrapped: the ACTIVE one and, during a rotation, the PENDING one. */
    public record Current(Optional<MeterKeys> active, Optional<MeterKeys> pending) {
    }

    private final Hsm hsm;
    private final KeyStore store;

    public KeyVault(Hsm hsm, KeyStore store) {
        this.hsm = hsm;
        this.store = store;
    }

    /**
     * Stores a checked delivery, all or nothing. A meter without keys gets version 1 ACTIVE; a meter whose active
     * keys are the same is left alone (a repeated import changes nothing); a meter whose active keys differ is refused
     * (a vendor re-delivering other keys is a rotation, not an import), naming its line and never a key.
     */
    public Imported importDelivery(KeyDelivery.Content delivery, String actor) throws SQLException {
        List<String> ids = delivery.meters().stream().map(MeterKeys::meterId).toList();
        Map<String, List<KeyStore.Row>> stored = store.current(ids);
        List<KeyStore.Row> rows = new ArrayList<>();
        List<KeyStore.Event> events = new ArrayList<>();
        List<Problem.FieldError> conflicts = new ArrayList<>();
        int unchanged = 0;
        for (int i = 0; i < delivery.meters().size(); i++) {
            MeterKeys delivered = delivery.meters().get(i);
            Optional<KeyStore.Row> active = stored.getOrDefault(delivered.meterId(), List.of()).stream()
                    .filter(r -> r.state() == KeyState.ACTIVE).findFirst();
            if (active.isEmpty()) {
                rows.add(wrap(delivered, 1, KeyState.ACTIVE));
                events.add(new KeyStore.Event(actor, "IMPORTED", delivered.meterId(), 1, "key delivery import"));
            } else if (unwrap(active.get()).sameDelivery(delivered)) {
                unchanged++;
            } else if (conflicts.size() < RecordFile.MAX_ERRORS) {
                conflicts.add(new Problem.FieldError("meters[" + i + "]", "meter '" + delivered.meterId()
                        + "' already has other keys (version " + active.get().version() + ", ACTIVE); new keys for a "
                        + "meter go through rotation, not an import", delivery.lines().get(i)));
            }
        }
        byte[] newTitle = null;
        if (delivery.headEndSystemTitle() != null) {
            Optional<byte[]> title = store.headEndSystemTitle();
            if (title.isEmpty()) {
                newTitle = delivery.headEndSystemTitle();
                events.add(new KeyStore.Event(actor, "IMPORTED", null, null, "head-end system title"));
            } else if (!java.util.Arrays.equals(title.get(), delivery.headEndSystemTitle())) {
                conflicts.add(new Problem.FieldError("headEnd.systemTitle", "the head-end already has system title "
                        + HexFormat.of().formatHex(title.get()) + "; meters expect one head-end system title"));
            }
        }
        List<KeyStore.HeadEndRow> headEndRows = new ArrayList<>();
        int headEndUnchanged = 0;
        Map<Integer, KeyStore.HeadEndRow> activeHeadEnd = new HashMap<>();
        store.headEnd().stream().filter(r -> r.state() == KeyState.ACTIVE).forEach(r -> activeHeadEnd.put(r.suite(), r));
        for (HeadEndKey key : delivery.headEnd()) {
            KeyStore.HeadEndRow current = activeHeadEnd.get(key.suite());
            if (current == null) {
                headEndRows.add(new KeyStore.HeadEndRow(key.suite(), 1, KeyState.ACTIVE, key.systemTitle(), key.publicKey(),
                        hsm.wrap(key.privateKey(), HeadEndKey.context(key.suite(), 1)), hsm.masterKeyLabel()));
                events.add(new KeyStore.Event(actor, "IMPORTED", null, 1, "head-end signing key, suite " + key.suite()));
            } else if (unwrap(current).sameAs(key)) {
                headEndUnchanged++;
            } else {
                conflicts.add(new Problem.FieldError("headEnd.suite" + key.suite() + "SigningPrivateKey",
                        "the head-end already has another suite " + key.suite() + " signing key (version "
                                + current.version() + "); a new one goes through rotation, not an import"));
            }
        }
        if (!conflicts.isEmpty()) {
            throw new RecordFile.Invalid(Problem.Type.CONFLICT, conflicts.size() + " records contradict stored keys, "
                    + "nothing imported; first: " + conflicts.get(0).field() + " " + conflicts.get(0).message(), conflicts);
        }
        store.insert(rows, newTitle, headEndRows, events);
        return new Imported(delivery.meters().size(), rows.size(), unchanged, headEndRows.size(), headEndUnchanged);
    }

    /**
     * The key version a rotation installs: the meter's PENDING one if a rotation already started (a repeat resends
     * it), else a new PENDING version with new global keys (encryption and authentication, random, of the suite's
     * length; master key, HLS secret and LLS password kept). Returns it with the ACTIVE one, whose master key (KEK)
     * wraps the new keys for the transfer.
     */
    public Rotation startRotation(String meterId, String actor) throws SQLException {
        Rotation r = startRotations(List.of(meterId), actor).get(meterId);
        if (r == null) {
            throw new java.util.NoSuchElementException("meter '" + meterId + "' has no active keys");
        }
        return r;
    }

    /**
     * {@link #startRotation} for many meters at once: their versions read in chunks, the new ones stored in one
     * transaction. Meters without ACTIVE keys are absent from the answer.
     */
    public Map<String, Rotation> startRotations(List<String> meterIds, String actor) throws SQLException {
        Map<String, Rotation> out = new HashMap<>();
        List<KeyStore.Row> rows = new ArrayList<>();
        List<KeyStore.Event> events = new ArrayList<>();
        Map<String, List<KeyStore.Row>> all = store.all(meterIds);
        for (String meterId : meterIds) {
            List<KeyStore.Row> versions = all.getOrDefault(meterId, List.of());
            Optional<KeyStore.Row> activeRow = versions.stream().filter(r -> r.state() == KeyState.ACTIVE).findFirst();
            if (activeRow.isEmpty() || out.containsKey(meterId)) {
                continue;
            }
            MeterKeys active = unwrap(activeRow.get());
            Optional<KeyStore.Row> pendingRow = versions.stream().filter(r -> r.state() == KeyState.PENDING).findFirst();
            if (pendingRow.isPresent()) {
                out.put(meterId, new Rotation(active, unwrap(pendingRow.get()), false));
                continue;
            }
            int version = versions.stream().mapToInt(KeyStore.Row::version).max().orElse(0) + 1;
            int length = active.securitySuite() == 2 ? 32 : 16;
            SecretKeys old = active.secrets();
            SecretKeys fresh = new SecretKeys(random(length), random(length), old.masterKey(), old.hlsSecret(),
                    old.llsPassword());
            MeterKeys pending = new MeterKeys(meterId, version, KeyState.PENDING, active.systemTitle(),
                    active.authentication(), active.securitySuite(), active.securityPolicy(), active.signingPublicKey(),
                    fresh);
            rows.add(wrap(pending, version, KeyState.PENDING));
            events.add(new KeyStore.Event(actor, "ROTATION_STARTED", meterId, version,
                    "new global keys PENDING until a new association confirms them"));
            out.put(meterId, new Rotation(active, pending, true));
        }
        store.insert(rows, null, List.of(), events);
        return out;
    }

    /**
     * @param created false when the PENDING version existed already (the rotation is resent)
     */
    public record Rotation(MeterKeys active, MeterKeys pending, boolean created) {

        /** The new keys wrapped under the meter's KEK (AES key wrap, RFC 3394), as key_transfer carries them. */
        public List<org.amihes.contracts.TransferKeys.WrappedKey> wrappedForTransfer() {
            byte[] kek = active.secrets().masterKey();
            return List.of(new org.amihes.contracts.TransferKeys.WrappedKey("UNICAST_ENCRYPTION",
                            kw(kek, pending.secrets().blockCipherKey())),
                    new org.amihes.contracts.TransferKeys.WrappedKey("AUTHENTICATION",
                            kw(kek, pending.secrets().authenticationKey())));
        }

        private static String kw(byte[] kek, byte[] key) {
            try {
                javax.crypto.Cipher wrap = javax.crypto.Cipher.getInstance("AESWrap");
                wrap.init(javax.crypto.Cipher.WRAP_MODE, new javax.crypto.spec.SecretKeySpec(kek, "AES"));
                return java.util.Base64.getEncoder().encodeToString(
                        wrap.wrap(new javax.crypto.spec.SecretKeySpec(key, "AES")));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("cannot wrap a key for transfer: " + e.getMessage(), e);
            }
        }
    }

    /** The activation of a confirmed version ({@link KeyStore#activate}: ACTIVE, the old one RETIRED, kept). */
    public KeyStore.Activation activation(String meterId, int version, String actor) {
        return new KeyStore.Activation(meterId, version, new KeyStore.Event(actor, "ACTIVATED", meterId, version,
                "confirmed by a new association with it; the version before is RETIRED"));
    }

    private static byte[] random(int length) {
        byte[] key = new byte[length];
        RANDOM.nextBytes(key);
        return key;
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    public Current current(String meterId) throws SQLException {
        return current(List.of(meterId)).get(meterId);
    }

    /** The usable keys of each meter (one query), unwrapped; a meter without keys has an empty {@link Current}. */
    public Map<String, Current> current(java.util.Collection<String> meterIds) throws SQLException {
        Map<String, List<KeyStore.Row>> stored = store.current(meterIds);
        Map<String, Current> out = new HashMap<>(meterIds.size() * 2);
        for (String meterId : meterIds) {
            List<KeyStore.Row> rows = stored.getOrDefault(meterId, List.of());
            out.put(meterId, new Current(rows.stream().filter(r -> r.state() == KeyState.ACTIVE).findFirst()
                    .map(this::unwrap), rows.stream().filter(r -> r.state() == KeyState.PENDING).findFirst()
                    .map(this::unwrap)));
        }
        return out;
    }

    /** Every version of a meter, without secrets (what an operator may see). */
    public List<KeyStore.Row> versions(String meterId) throws SQLException {
        return store.versions(meterId);
    }

    public Optional<byte[]> headEndSystemTitle() throws SQLException {
        return store.headEndSystemTitle();
    }

    /** The head-end's active signing key of a suite. */
    public Optional<HeadEndKey> headEnd(int suite) throws SQLException {
        return store.headEnd().stream().filter(r -> r.suite() == suite && r.state() == KeyState.ACTIVE).findFirst()
                .map(this::unwrap);
    }

    private KeyStore.Row wrap(MeterKeys keys, int version, KeyState state) {
        return new KeyStore.Row(keys.meterId(), version, state, keys.systemTitle(), keys.authentication(),
                keys.securitySuite(), keys.securityPolicy(), keys.signingPublicKey(),
                hsm.wrap(keys.secrets().encode(), MeterKeys.context(keys.meterId(), version)), hsm.masterKeyLabel());
    }

    private MeterKeys unwrap(KeyStore.Row row) {
        SecretKeys secrets = SecretKeys.decode(hsm.unwrap(row.wrapped(), MeterKeys.context(row.meterId(), row.version())));
        return new MeterKeys(row.meterId(), row.version(), row.state(), row.systemTitle(), row.authentication(),
                row.securitySuite(), row.securityPolicy(), row.signingPublicKey(), secrets);
    }

    private HeadEndKey unwrap(KeyStore.HeadEndRow row) {
        return new HeadEndKey(row.suite(), row.version(), row.state(), row.systemTitle(), row.publicKey(),
                hsm.unwrap(row.wrappedPrivateKey(), HeadEndKey.context(row.suite(), row.version())));
    }
}
