package org.amihes.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The floor under a key import: the same number of AES-256-GCM wraps under the same master key in the same PKCS#11
 * token (SunPKCS11, one thread, a fresh cipher per wrap as security-service's {@code Hsm} takes), with nothing else:
 * no parsing, no database, no HTTP. Run in {@link PipelineBenchmark}'s process beside the timed {@code POST
 * /keys/import}, so the import's time reads as a ratio to what the HSM alone costs. The token is the one the
 * environment gives security-service (HES_HSM_MODULE, HES_HSM_SLOT, HES_HSM_PIN_FILE or HES_HSM_PIN, SOFTHSM2_CONF,
 * HES_HSM_MASTER_KEY_LABEL), opened only after security-service made its master key there.
 */
final class HsmWrapBaseline {

    private HsmWrapBaseline() {
    }

    /** Wall time in nanoseconds of {@code count} wraps of {@code payloadBytes} each, each with its own context. */
    static long wrapNanos(int count, int payloadBytes) throws Exception {
        Map<String, String> env = System.getenv();
        String module = env.getOrDefault("HES_HSM_MODULE", "/usr/lib/softhsm/libsofthsm2.so");
        String slot = env.get("HES_HSM_SLOT");
        if (slot == null) {
            throw new IllegalStateException("HES_HSM_SLOT is not set: run through ./hes bench pipeline auth=hls");
        }
        String pin = env.containsKey("HES_HSM_PIN_FILE")
                ? Files.readString(Path.of(env.get("HES_HSM_PIN_FILE"))).strip() : env.getOrDefault("HES_HSM_PIN", "");
        Provider provider = Security.getProvider("SunPKCS11").configure("--name=amihes-bench\nlibrary=" + module
                + "\nslot=" + slot + "\n");
        KeyStore token = KeyStore.getInstance("PKCS11", provider);
        token.load(null, pin.toCharArray());
        Key master = token.getKey(env.getOrDefault("HES_HSM_MASTER_KEY_LABEL", "amihes-master"), null);
        if (master == null) {
            throw new IllegalStateException("no master key in slot " + slot + " yet");
        }
        SecureRandom random = new SecureRandom();
        byte[] plain = new byte[payloadBytes];
        random.nextBytes(plain);
        byte[] nonce = new byte[12];
        long sink = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", provider);
            cipher.init(Cipher.ENCRYPT_MODE, master, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(("meter/BENCH-" + i + "/v1").getBytes(StandardCharsets.UTF_8));
            sink += cipher.doFinal(plain)[0];
        }
        long wall = System.nanoTime() - t0;
        if (sink == Long.MIN_VALUE) {
            System.out.println(sink); // keeps the results alive
        }
        return wall;
    }
}
