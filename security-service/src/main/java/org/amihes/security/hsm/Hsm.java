package org.amihes.security.hsm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The master key in a PKCS#11 token and the one thing done with it: wrapping and unwrapping key material with
 * AES-256-GCM inside the token. The key is generated in the token as a sensitive, non-extractable token object, so
 * neither this process nor anyone with the PIN can read it out; only the token encrypts and decrypts with it.
 * Thread-safe: each call takes its own cipher (a PKCS#11 session).
 */
public final class Hsm {

    /** The token could not be opened or used; the message says what to check. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final Provider provider;
    private final Key masterKey;
    private final String label;
    private final String where;
    private final SecureRandom random = new SecureRandom();

    private Hsm(Provider provider, Key masterKey, String label, String where) {
        this.provider = provider;
        this.masterKey = masterKey;
        this.label = label;
        this.where = where;
    }

    /** Logs in to the token and finds (or, if allowed, creates) the master key. */
    public static Hsm open(HsmConfig config) {
        String where = "slot " + config.slot() + " of " + config.module();
        if (!Files.isReadable(config.module())) {
            throw new Unavailable("PKCS#11 module " + config.module() + " not found: install the HSM's library "
                    + "(SoftHSM2: apt install softhsm2) or set hes.hsm.module (HES_HSM_MODULE)", null);
        }
        char[] pin = pin(config);
        Provider provider;
        try {
            provider = Security.getProvider("SunPKCS11").configure("--name=amihes-hsm\nlibrary=" + config.module()
                    + "\nslot=" + config.slot() + "\n"
                    // what the token makes when this provider generates an AES key: kept in the token, usable
                    // only inside it
                    + "attributes(generate,CKO_SECRET_KEY,CKK_AES) = {\n  CKA_TOKEN = true\n  CKA_SENSITIVE = true\n"
                    + "  CKA_EXTRACTABLE = false\n}\n");
        } catch (RuntimeException e) {
            throw new Unavailable("cannot open the PKCS#11 token in " + where + " (" + rootMessage(e)
                    + "): is hes.hsm.slot (HES_HSM_SLOT) the token's slot id, and SOFTHSM2_CONF set for SoftHSM2?", e);
        }
        KeyStore token;
        try {
            token = KeyStore.getInstance("PKCS11", provider);
            token.load(null, pin);
        } catch (IOException | GeneralSecurityException e) {
            String cause = rootMessage(e);
            throw new Unavailable("HSM login to " + where + " failed (" + cause + ")"
                    + (cause.contains("PIN") || e.getCause() instanceof javax.security.auth.login.LoginException
                    ? ": wrong PIN? check hes.hsm.pin-file (HES_HSM_PIN_FILE) or HES_HSM_PIN" : ""), e);
        } finally {
            Arrays.fill(pin, '\0');
        }
        try {
            Key key = token.getKey(config.masterKeyLabel(), null);
            if (key == null) {
                if (!config.createMasterKey()) {
                    throw new Unavailable("no master key labelled '" + config.masterKeyLabel() + "' in " + where
                            + " and hes.hsm.create-master-key is off: is this the right token?", null);
                }
                KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
                generator.init(256);
                SecretKey generated = generator.generateKey();
                token.setEntry(config.masterKeyLabel(), new KeyStore.SecretKeyEntry(generated), null);
                key = token.getKey(config.masterKeyLabel(), null);
            }
            return new Hsm(provider, key, config.masterKeyLabel(), where);
        } catch (GeneralSecurityException e) {
            throw new Unavailable("cannot find or create the master key '" + config.masterKeyLabel() + "' in " + where
                    + ": " + rootMessage(e), e);
        }
    }

    /**
     * Encrypts key material under the master key: nonce (12 bytes) followed by the AES-GCM ciphertext and tag.
     *
     * @param context bound to the result (GCM additional data): unwrapping with another context fails, so a wrapped
     *                key moved to another meter, kind or version is refused instead of used
     */
    public byte[] wrap(byte[] plain, String context) {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", provider);
            cipher.init(Cipher.ENCRYPT_MODE, masterKey, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = Arrays.copyOf(nonce, NONCE + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new Unavailable("the HSM (" + where + ") could not wrap: " + rootMessage(e), e);
        }
    }

    /** The inverse of {@link #wrap}; fails when the bytes or the context were changed. */
    public byte[] unwrap(byte[] wrapped, String context) {
        if (wrapped.length < NONCE + TAG_BITS / 8) {
            throw new IllegalArgumentException("wrapped key material is too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", provider);
            cipher.init(Cipher.DECRYPT_MODE, masterKey, new GCMParameterSpec(TAG_BITS, wrapped, 0, NONCE));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(wrapped, NONCE, wrapped.length - NONCE);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("cannot unwrap the key material of " + context + ": it was changed, "
                    + "belongs to another key, or was wrapped under another master key than '" + label + "' in " + where
                    + " (GCM tag mismatch)", e);
        } catch (GeneralSecurityException e) {
            throw new Unavailable("the HSM (" + where + ") could not unwrap: " + rootMessage(e), e);
        }
    }

    /** Label of the master key: stored beside each wrapped key, so a later master key rotation knows what to redo. */
    public String masterKeyLabel() {
        return label;
    }

    /** The master key's handle: tests use it to prove it cannot be read out. */
    Key masterKeyHandle() {
        return masterKey;
    }

    Provider provider() {
        return provider;
    }

    public String where() {
        return where;
    }

    private static char[] pin(HsmConfig config) {
        try {
            if (config.pinFile().isPresent()) {
                return Files.readString(config.pinFile().get()).strip().toCharArray();
            }
        } catch (IOException e) {
            throw new Unavailable("cannot read the HSM PIN file " + config.pinFile().get() + ": " + e.getMessage(), e);
        }
        return config.pin().map(String::toCharArray).orElseThrow(() -> new Unavailable(
                "no HSM PIN: set hes.hsm.pin-file (HES_HSM_PIN_FILE) or HES_HSM_PIN", null));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder out = new StringBuilder(String.valueOf(t.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            out.append(": ").append(t.getMessage());
        }
        return out.toString();
    }
}
