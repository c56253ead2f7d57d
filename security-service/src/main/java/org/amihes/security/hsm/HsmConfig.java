package org.amihes.security.hsm;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the master key lives: a PKCS#11 token. SoftHSM2 on a development machine ({@code ./hes} sets it up); a real
 * HSM by pointing {@code module} and {@code slot} at it. The PIN comes from a file or the environment, never from git.
 */
@ConfigMapping(prefix = "hes.hsm")
public interface HsmConfig {

    /** The PKCS#11 library of the HSM. */
    @WithDefault("/usr/lib/softhsm/libsofthsm2.so")
    Path module();

    /** The numeric slot id of the token (SunPKCS11 addresses tokens by slot). */
    long slot();

    /** A file holding the user PIN; wins over {@link #pin()}. */
    Optional<Path> pinFile();

    /** The user PIN itself (from the environment, HES_HSM_PIN). */
    Optional<String> pin();

    /** Label of the AES-256 master key in the token. */
    @WithDefault("amihes-master")
    String masterKeyLabel();

    /**
     * Create the master key inside the token when none has the label. On with SoftHSM2; with a real HSM the key is
     * usually made by a key ceremony, then turn this off so a wrong slot fails instead of making a second key.
     */
    @WithDefault("true")
    boolean createMasterKey();
}
