package org.amihes.security.hsm;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;
import org.amihes.service.testing.SoftHsmToken;

/**
 * Every test of this module runs against a real SoftHSM2 token: surefire sets SOFTHSM2_CONF (pom.xml), this makes the
 * token once and points the service at its slot and PIN file.
 */
public class HsmTestResource implements QuarkusTestResourceLifecycleManager {

    public static SoftHsmToken token() {
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null) {
            throw new IllegalStateException("SOFTHSM2_CONF is not set: run the tests through Maven (surefire sets it)");
        }
        // both tokens before the library loads: SoftHSM2 does not see tokens made after it is initialised
        SoftHsmToken.ensure(Path.of(conf), PIN_TEST);
        return SoftHsmToken.ensure(Path.of(conf), "amihes-test");
    }

    /** A token no test logs in to with its PIN: where a wrong PIN is tried (see HsmTest). */
    public static SoftHsmToken pinTestToken() {
        token();
        return SoftHsmToken.ensure(Path.of(System.getenv("SOFTHSM2_CONF")), PIN_TEST);
    }

    private static final String PIN_TEST = "amihes-pin-test";

    @Override
    public Map<String, String> start() {
        SoftHsmToken token = token();
        return Map.of("hes.hsm.slot", Long.toString(token.slot()), "hes.hsm.pin-file", token.pinFile().toString());
    }

    @Override
    public void stop() {
    }
}
