package org.amihes.security.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.SecretKeySpec;
import org.amihes.service.testing.SoftHsmToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master key in a real SoftHSM2 token: it wraps and unwraps, binds its context, and never comes out. */
class HsmTest {

    private final SoftHsmToken token = HsmTestResource.token();

    static HsmConfig config(long slot, Path pinFile, String label, boolean create) {
        return new HsmConfig() {
            public Path module() {
                return SoftHsmToken.MODULE;
            }

            public long slot() {
                return slot;
            }

            public Optional<Path> pinFile() {
                return Optional.ofNullable(pinFile);
            }

            public Optional<String> pin() {
                return Optional.empty();
            }

            public String masterKeyLabel() {
                return label;
            }

            public boolean createMasterKey() {
                return create;
            }
        };
    }

    @Test
    void wrapsUnderTheMasterKeyAndUnwrapsOnlyInTheSameContext() {
        Hsm hsm = Hsm.open(config(token.slot(), token.pinFile(), "hsm-test-master", true));
        byte[] key = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

        byte[] wrapped = hsm.wrap(key, "amihes/meter-key/M1/1");

        assertThat(wrapped).hasSize(12 + 16 + 16); // nonce, ciphertext, GCM tag
        assertThat(new String(wrapped, StandardCharsets.ISO_8859_1)).doesNotContain("0123456789abcdef");
        assertThat(hsm.unwrap(wrapped, "amihes/meter-key/M1/1")).isEqualTo(key);
        assertThatThrownBy(() -> hsm.unwrap(wrapped, "amihes/meter-key/M2/1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot unwrap the key material of amihes/meter-key/M2/1");
        byte[] tampered = wrapped.clone();
        tampered[20] ^= 1;
        assertThatThrownBy(() -> hsm.unwrap(tampered, "amihes/meter-key/M1/1"))
                .isInstanceOf(IllegalArgumentException.class);
        // the same key is found again by a later start: what one process wrapped, the next unwraps
        Hsm again = Hsm.open(config(token.slot(), token.pinFile(), "hsm-test-master", false));
        assertThat(again.unwrap(wrapped, "amihes/meter-key/M1/1")).isEqualTo(key);
    }

    @Test
    void theMasterKeyCannotBeReadOut() throws Exception {
        Hsm hsm = Hsm.open(config(token.slot(), token.pinFile(), "hsm-test-master", true));
        Key master = hsm.masterKeyHandle();

        assertThat(master.getEncoded()).as("raw bytes of the master key").isNull();
        assertThatThrownBy(() -> SecretKeyFactory.getInstance("AES", hsm.provider())
                .getKeySpec((SecretKey) master, SecretKeySpec.class))
                .as("reading its value (CKA_VALUE)").isInstanceOf(java.security.spec.InvalidKeySpecException.class);
        KeyGenerator generator = KeyGenerator.getInstance("AES", hsm.provider());
        generator.init(256);
        SecretKey other = generator.generateKey();
        Cipher wrapper = Cipher.getInstance("AES/GCM/NoPadding", hsm.provider());
        assertThatThrownBy(() -> {
            wrapper.init(Cipher.WRAP_MODE, other, new javax.crypto.spec.GCMParameterSpec(128, new byte[12]));
            wrapper.wrap(master);
        }).as("wrapping it under another key to take it out").isInstanceOf(Exception.class);
    }

    @Test
    void aWrongPinStopsTheStartWithAClearMessage(@TempDir Path dir) throws Exception {
        Path wrongPin = Files.writeString(dir.resolve("wrong.pin"), "not-the-pin");
        // a token this process never logged in to: PKCS#11 login is per process and token, and a second login
        // after a good one is answered "already logged in", whatever the PIN
        SoftHsmToken untouched = HsmTestResource.pinTestToken();

        assertThatThrownBy(() -> Hsm.open(config(untouched.slot(), wrongPin, "hsm-test-master", true)))
                .isInstanceOf(Hsm.Unavailable.class)
                .hasMessageContaining("HSM login to slot " + untouched.slot())
                .hasMessageContaining("wrong PIN?");
    }

    @Test
    void aMissingTokenOrMasterKeySaysWhatToCheck() {
        assertThatThrownBy(() -> Hsm.open(config(987654, token.pinFile(), "hsm-test-master", true)))
                .isInstanceOf(Hsm.Unavailable.class).hasMessageContaining("slot 987654")
                .hasMessageContaining("HES_HSM_SLOT");
        assertThatThrownBy(() -> Hsm.open(config(token.slot(), token.pinFile(), "no-such-master", false)))
                .isInstanceOf(Hsm.Unavailable.class).hasMessageContaining("no master key labelled 'no-such-master'");
        assertThatThrownBy(() -> Hsm.open(config(token.slot(), null, "hsm-test-master", true)))
                .isInstanceOf(Hsm.Unavailable.class).hasMessageContaining("no HSM PIN");
    }
}
