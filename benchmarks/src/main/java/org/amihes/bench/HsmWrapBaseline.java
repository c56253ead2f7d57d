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
        Token token = open();
        Provider provider = token.provider();
        Key master = token.master();
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

    /**
     * The floor under an escrow export: {@code count} unwraps of {@code payloadBytes} under the master key in the token
     * (AES-256-GCM decrypt, each with its own context, as security-service's {@code Hsm} takes), each followed by
     * {@code keysPerMeter} software key wraps (AES-256 key wrap with padding, RFC 5649) of a 16-byte key. Nanoseconds.
     */
    static long exportFloorNanos(int count, int payloadBytes, int keysPerMeter) throws Exception {
        Token token = open();
        SecureRandom random = new SecureRandom();
        byte[] plain = new byte[payloadBytes];
        random.nextBytes(plain);
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        byte[] aad = "meter/BENCH-1/v1".getBytes(StandardCharsets.UTF_8);
        Cipher seal = Cipher.getInstance("AES/GCM/NoPadding", token.provider());
        seal.init(Cipher.ENCRYPT_MODE, token.master(), new GCMParameterSpec(128, nonce));
        seal.updateAAD(aad);
        byte[] wrapped = seal.doFinal(plain);
        byte[] operator = new byte[32];
        random.nextBytes(operator);
        javax.crypto.spec.SecretKeySpec kek = new javax.crypto.spec.SecretKeySpec(operator, "AES");
        long sink = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Cipher open = Cipher.getInstance("AES/GCM/NoPadding", token.provider());
            open.init(Cipher.DECRYPT_MODE, token.master(), new GCMParameterSpec(128, nonce));
            open.updateAAD(aad);
            byte[] secrets = open.doFinal(wrapped);
            for (int k = 0; k < keysPerMeter; k++) {
                Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
                kwp.init(Cipher.WRAP_MODE, kek);
                sink += kwp.wrap(new javax.crypto.spec.SecretKeySpec(secrets, k * 16, 16, "RAW"))[0];
            }
        }
        long wall = System.nanoTime() - t0;
        if (sink == Long.MIN_VALUE) {
            System.out.println(sink); // keeps the results alive
        }
        return wall;
    }

    private record Token(Provider provider, Key master) {
    }

    /** The token, opened once per process (one provider and login for both floors). */
    private static Token opened;

    private static synchronized Token open() throws Exception {
        if (opened == null) {
            opened = login();
        }
        return opened;
    }

    private static Token login() throws Exception {
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
        return new Token(provider, master);
    }
}
