package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.MeterKeys;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 8, "no key material": sessions with keys against the simulator, good and failing (HLS-GMAC, HLS-SHA256,
 * HLS-ECDSA, LLS, a wrong block cipher key, a wrong authentication key in pass 3, a key transfer, a key of the wrong
 * length), and then no key's bytes, in hex (upper, lower, Gurux's spaced form) or Base64, may appear in any
 * exception's message or {@code toString()} (causes included), in the frames a failure carries, in a settings
 * record's {@code toString()}, or in what was logged meanwhile (JUL, where Vert.x logs, and stdout/stderr, where
 * Gurux prints). dlms-core itself logs nothing.
 */
@Timeout(60)
class NoKeyMaterialIT {

    static final Instant NOW = Instant.parse("2026-08-08T08:08:08Z");

    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.fleet(8, VendorProfile.BUILT_IN, 8080, "127.19.0.1").at(NOW);

    /** Every secret the run uses, by name. */
    private final Map<String, byte[]> secrets = new LinkedHashMap<>();
    /** Everything the run produced that a person or a log could read. */
    private final List<String> texts = new ArrayList<>();

    @Test
    void noKeyBytesInMessagesToStringsOrLogs() throws Exception {
        Capture capture = Capture.start();
        try {
            runSessions();
        } finally {
            capture.stop();
        }
        texts.add(capture.text());
        assertThat(texts).as("the run produced messages to check").hasSizeGreaterThan(10);
        for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
            for (String form : forms(secret.getValue())) {
                assertThat(texts).as("%s as %s", secret.getKey(), form)
                        .noneSatisfy(text -> assertThat(text).containsIgnoringCase(form));
            }
        }
    }

    private void runSessions() throws Exception {
        long counter = 1_000;
        for (String profile : List.of("aurora-ax1", "delta-q9", "borealis-b7", "corvus-c3")) {
            SessionSettings good = sim.managementSettings(sim.meterOf(profile), transportOf(profile), counter += 1_000);
            remember(profile, good);
            MeterReading reading = await(sim.reader().read(good, List.of(VendorProfile.load(profile).energyObis()))
                    .recover(e -> note(e).mapEmpty()));
            texts.add(String.valueOf(reading));
        }

        MeterSpec aurora = sim.meterOf("aurora-ax1");
        SessionSettings good = sim.managementSettings(aurora, TransportKind.TCP_WRAPPER, counter += 1_000);
        SecuritySettings s = good.security();

        byte[] wrongCipherKey = flipped(s.blockCipherKey());
        secrets.put("wrong block cipher key", wrongCipherKey);
        DlmsException undecipherable = failureOf(sim.reader().read(good.withSecurity(new SecuritySettings(s.suite(),
                s.policy(), s.clientSystemTitle(), wrongCipherKey, s.authenticationKey(), null, counter += 1_000, null,
                null, null)), List.of("1.0.1.8.0.255")));
        assertThat(undecipherable.code()).isEqualTo(FailureCode.DECIPHERING_FAILED);

        byte[] wrongAuthenticationKey = flipped(s.authenticationKey());
        secrets.put("wrong authentication key", wrongAuthenticationKey);
        DlmsException refusedProof = failureOf(sim.reader().read(good.withSecurity(new SecuritySettings(s.suite(),
                s.policy(), s.clientSystemTitle(), s.blockCipherKey(), wrongAuthenticationKey, null, counter += 1_000,
                null, null, null)), List.of("1.0.1.8.0.255")));
        assertThat(refusedProof.failureClass()).isEqualTo(org.amihes.dlms.failure.FailureClass.SECURITY);

        byte[] short15 = Arrays.copyOf(s.blockCipherKey(), 15);
        secrets.put("15-byte block cipher key", short15);
        assertThatThrownBy(() -> new SecuritySettings(0, s.policy(), s.clientSystemTitle(), short15,
                s.authenticationKey(), null, 1, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> texts.add(e.getMessage()))
                .hasMessage("blockCipherKey must be 16 bytes, got 15");

        // a key transfer on a meter no other step touches: master key and new keys are secrets too
        MeterSpec other = sim.fleet().meters().stream().filter(m -> m.profile().equals("aurora-ax1")).skip(1)
                .findFirst().orElseThrow();
        SessionSettings forTransfer = sim.managementSettings(other, TransportKind.TCP_WRAPPER, counter += 1_000);
        remember("key transfer", forTransfer);
        MeterKeys keys = sim.fleet().keys(other.meterId());
        secrets.put("master key", keys.masterKey());
        byte[] newEk = flipped(keys.blockCipherKey());
        byte[] newAk = flipped(keys.authenticationKey());
        secrets.put("new block cipher key", newEk);
        secrets.put("new authentication key", newAk);
        DlmsSession session = sim.open(forTransfer);
        texts.add(session.settings().toString());
        await(session.transferKeys(SimulatorFixture.SECURITY_SETUP, keys.masterKey(), newEk, newAk));
        await(session.release());
        texts.addAll(session.warnings());
        // the old keys are refused now: one more failure to look at
        failureOf(sim.reader().read(forTransfer.withSecurity(forTransfer.security()
                .withInvocationCounter(counter + 1_000)), List.of("1.0.1.8.0.255")));
    }

    private static TransportKind transportOf(String profile) {
        return VendorProfile.load(profile).framing() == VendorProfile.Framing.HDLC ? TransportKind.TCP_HDLC
                : TransportKind.TCP_WRAPPER;
    }

    private void remember(String name, SessionSettings settings) {
        texts.add(settings.toString());
        if (settings.password() != null) {
            secrets.put(name + " LLS password", settings.password().getBytes(StandardCharsets.US_ASCII));
        }
        SecuritySettings s = settings.security();
        if (s == null) {
            return;
        }
        texts.add(s.toString());
        secrets.put(name + " block cipher key", s.blockCipherKey());
        secrets.put(name + " authentication key", s.authenticationKey());
        if (s.hlsSecret() != null) {
            secrets.put(name + " HLS secret", s.hlsSecret());
        }
        KeyPair signing = s.clientSigningKey();
        if (signing != null) {
            secrets.put(name + " signing key (PKCS#8)", signing.getPrivate().getEncoded());
            BigInteger scalar = ((ECPrivateKey) signing.getPrivate()).getS();
            secrets.put(name + " signing key (scalar)", scalar.toByteArray());
        }
    }

    private DlmsException failureOf(Future<?> future) {
        DlmsException e = SimulatorFixture.failure(future);
        note(e);
        return e;
    }

    private Future<Void> note(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            texts.add(String.valueOf(t.getMessage()));
            texts.add(t.toString());
            if (t instanceof DlmsException d) {
                texts.add(String.valueOf(d.detail()));
                texts.addAll(d.exchange());
            }
        }
        return Future.succeededFuture();
    }

    private static byte[] flipped(byte[] key) {
        byte[] copy = key.clone();
        copy[0] ^= 0x5A;
        return copy;
    }

    /** How a key could be written out: hex (either case, also Gurux's "AA BB" form) and Base64. */
    private static List<String> forms(byte[] secret) {
        String hex = HexFormat.of().formatHex(secret);
        String spaced = HexFormat.ofDelimiter(" ").formatHex(secret);
        String base64 = Base64.getEncoder().encodeToString(secret);
        // a Base64 of the whole key, and of the key without its padding, which is how it appears inside longer text
        return List.of(hex, spaced, base64, base64.replace("=", ""));
    }

    /** JUL (root logger, every level) and stdout/stderr, teed so the build output stays as it was. */
    private static final class Capture {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final PrintStream originalOut = System.out;
        private final PrintStream originalErr = System.err;
        private final Logger root = Logger.getLogger("");
        private final Level originalLevel = root.getLevel();
        private final StringBuilder logged = new StringBuilder();
        private final Handler handler = new Handler() {
            private final SimpleFormatter format = new SimpleFormatter();

            @Override
            public synchronized void publish(LogRecord record) {
                logged.append(format.format(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };

        static Capture start() {
            Capture c = new Capture();
            System.setOut(new PrintStream(new Tee(c.out, c.originalOut), true));
            System.setErr(new PrintStream(new Tee(c.out, c.originalErr), true));
            c.handler.setLevel(Level.ALL);
            c.root.setLevel(Level.ALL);
            c.root.addHandler(c.handler);
            return c;
        }

        void stop() {
            System.setOut(originalOut);
            System.setErr(originalErr);
            root.removeHandler(handler);
            root.setLevel(originalLevel);
        }

        String text() {
            synchronized (handler) {
                return logged + out.toString(StandardCharsets.UTF_8);
            }
        }
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
