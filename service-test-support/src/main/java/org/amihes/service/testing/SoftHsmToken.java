package org.amihes.service.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A SoftHSM2 token for tests (Debian's {@code softhsm2}; {@code ./hes test} installs it): its own config file and token
 * directory, a random PIN in a file beside them. The process that uses the token must have {@code SOFTHSM2_CONF}
 * pointing at {@link #conf()} in its environment before it loads the library (surefire's environmentVariables, or
 * a child process's environment).
 *
 * @param slot    the token's slot id, as SunPKCS11 wants it
 * @param pinFile the user PIN, mode 0600
 */
public record SoftHsmToken(Path conf, long slot, Path pinFile) {

    public static final Path MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");

    /**
     * The tests' token config: one per machine user, like the test database (amihes_test) whose keys are wrapped
     * under its master key. security-service's surefire configuration points SOFTHSM2_CONF here too.
     */
    public static Path testConf() {
        return Path.of(System.getProperty("user.home"), ".local", "share", "amihes", "test-softhsm", "softhsm2.conf");
    }

    /** The token labelled {@code label} under {@code conf}'s directory, made (config, directory, token) if absent. */
    public static synchronized SoftHsmToken ensure(Path conf, String label) {
        if (!Files.isReadable(MODULE)) {
            throw new IllegalStateException("SoftHSM2 is not installed (" + MODULE + "): apt install softhsm2, or run "
                    + "the tests with ./hes test, which installs it");
        }
        try {
            Path dir = conf.toAbsolutePath().getParent();
            Path tokens = dir.resolve("tokens");
            Files.createDirectories(tokens);
            if (!Files.exists(conf)) {
                Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n"
                        + "log.level = ERROR\n");
            }
            Path pinFile = dir.resolve(label + ".pin");
            OptionalLong slot = slotOf(conf, label);
            if (slot.isEmpty() || !Files.exists(pinFile)) {
                String pin = random(), soPin = random();
                Files.deleteIfExists(pinFile);
                Files.createFile(pinFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(pinFile, pin);
                run(conf, "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", soPin);
                slot = slotOf(conf, label);
            }
            return new SoftHsmToken(conf, slot.orElseThrow(() -> new IllegalStateException(
                    "softhsm2-util made no token labelled " + label)), pinFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up a SoftHSM2 token under " + conf, e);
        }
    }

    /** Environment of a child process that uses this token. */
    public Map<String, String> environment() {
        return Map.of("SOFTHSM2_CONF", conf.toString(), "HES_HSM_SLOT", Long.toString(slot),
                "HES_HSM_PIN_FILE", pinFile.toString());
    }

    /** The slot of the token with this label, from {@code softhsm2-util --show-slots}. */
    static OptionalLong slotOf(Path conf, String label) {
        long current = -1;
        for (String line : run(conf, "--show-slots").split("\n")) {
            String t = line.strip();
            if (t.startsWith("Slot ") && !t.contains("info")) {
                current = Long.parseLong(t.substring(5).strip());
            } else if (t.startsWith("Label:") && t.substring(6).strip().equals(label) && current >= 0) {
                return OptionalLong.of(current);
            }
        }
        return OptionalLong.empty();
    }

    private static String run(Path conf, String... args) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("softhsm2-util"));
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("SOFTHSM2_CONF", conf.toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("softhsm2-util " + args[0] + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run softhsm2-util (apt install softhsm2)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String random() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
