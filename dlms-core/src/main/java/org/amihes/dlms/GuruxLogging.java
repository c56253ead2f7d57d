package org.amihes.dlms;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps Gurux from logging key material. Gurux 4.0.47 logs through JUL: {@code GXSecure} writes the block cipher
 * key, the authentication key and the private signing key at FINEST, {@code GXDLMSSecuritySetup} the new global
 * key of a key agreement at INFO. So its loggers are held at WARNING (what is left there names no key: failed tag
 * checks, malformed values), also when the logging configuration asks for more. Our own {@link ExchangeLog} keeps
 * the frames, which is what Gurux's debug output would show otherwise.
 */
final class GuruxLogging {

    /** The root of Gurux's loggers and the ones known to write keys, in case a configuration names them. */
    private static final List<String> NAMES = List.of("gurux", "gurux.dlms", "gurux.dlms.secure",
            "gurux.dlms.secure.GXSecure", "gurux.dlms.objects", "gurux.dlms.objects.GXDLMSSecuritySetup");

    /** Held here: JUL keeps loggers weakly, and a collected logger would forget its level. */
    private static final List<Logger> HELD = NAMES.stream().map(Logger::getLogger).toList();

    static {
        HELD.forEach(logger -> logger.setLevel(Level.WARNING));
    }

    private GuruxLogging() {
    }

    /** Applies the levels (once, when this class loads); call before Gurux touches a key. */
    static void quiet() {
        // the static initialiser did the work
    }
}
