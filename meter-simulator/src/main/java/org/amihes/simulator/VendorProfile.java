package org.amihes.simulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * How one vendor's meters behave: framing, association, object map and quirks. Loaded from
 * {@code profiles/<name>.json} on the classpath (schema: {@code profiles/README.md}).
 *
 * @param framing           {@code WRAPPER} (IEC 62056-47) or {@code HDLC} (IEC 62056-46)
 * @param maxPduSize        the largest APDU the meter accepts and sends
 * @param energyObis        where the meter keeps active energy import
 * @param energyScaler      power of ten of the energy register (attribute 3)
 * @param energyRegisterNull quirk: the register answers null instead of a value (a vendor mapping bug)
 * @param responseDelayMs   quirk: every answer is held back this long
 * @param loadProfileObis   where the meter keeps its load profile (profile generic, class 7)
 * @param loadProfileCaptureSeconds capture period of the load profile, a divisor of one day
 * @param firmwareVersion   image identifier installed at the factory (what 1.0.0.2.0.255 reports until an upgrade)
 * @param disconnectControlMode control_mode of the disconnect control object (0..6, IEC 62056-6-2 class 70)
 * @param hlsAuthentication mechanism of the management association (client 1), NONE when the meter has none
 * @param securitySuite     that association's security suite: 0, 1 or 2
 * @param securityPolicy    NONE, AUTHENTICATED, ENCRYPTED or AUTHENTICATED_ENCRYPTED
 * @param generalBlockTransfer whether the meter offers General Block Transfer (conformance bit 3) for long answers
 * @param push              what the meter pushes unasked: its push setups (class 40) and the schedule's period
 */
public record VendorProfile(String name, String manufacturer, String model, Framing framing, int maxPduSize,
                            String energyObis, int energyScaler, boolean energyRegisterNull, int responseDelayMs,
                            String description, String loadProfileObis, int loadProfileCaptureSeconds,
                            String firmwareVersion, int disconnectControlMode, String hlsAuthentication,
                            int securitySuite, String securityPolicy, boolean generalBlockTransfer, Push push) {

    public enum Framing { WRAPPER, HDLC }

    /** What makes a push setup push. */
    public enum Trigger { SCHEDULE, POWER, ALARM }

    /** @param intervalSeconds period of the {@link Trigger#SCHEDULE} push setup when pushing on a schedule */
    public record Push(int intervalSeconds, List<PushSetupSpec> setups) {
        public Push {
            setups = List.copyOf(setups);
            if (intervalSeconds <= 0) {
                throw new IllegalArgumentException("push.intervalSeconds must be positive, got " + intervalSeconds);
            }
        }

        /** The push setup a trigger fires, null when the meter has none for it. */
        public PushSetupSpec setup(Trigger trigger) {
            return setups.stream().filter(s -> s.trigger() == trigger).findFirst().orElse(null);
        }
    }

    /**
     * One push setup (class 40, 0.x.25.9.0.255).
     *
     * @param objects its push object list: {@code classId/logicalName/attribute} each
     */
    public record PushSetupSpec(String logicalName, Trigger trigger, List<String> objects) {
        public PushSetupSpec {
            objects = List.copyOf(objects);
            for (String o : objects) {
                if (!o.matches("\\d+/\\d+\\.\\d+\\.\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+")) {
                    throw new IllegalArgumentException("push object '" + o + "' is not classId/a.b.c.d.e.f/attribute");
                }
            }
        }
    }

    /** Profiles shipped with the simulator. */
    public static final List<String> BUILT_IN = List.of("aurora-ax1", "borealis-b7", "corvus-c3", "delta-q9");

    /** The well-behaved ones: a default fleet uses these so that every meter can be read. */
    public static final List<String> WELL_BEHAVED = List.of("aurora-ax1", "borealis-b7", "corvus-c3");

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES, true);

    public VendorProfile {
        if (loadProfileCaptureSeconds <= 0 || 86_400 % loadProfileCaptureSeconds != 0) {
            throw new IllegalArgumentException(name + ": loadProfileCaptureSeconds must divide a day, got "
                    + loadProfileCaptureSeconds);
        }
        if (disconnectControlMode < 0 || disconnectControlMode > 6) {
            throw new IllegalArgumentException(name + ": disconnectControlMode must be 0..6, got "
                    + disconnectControlMode);
        }
    }

    /** Profiles are immutable: each file is read once, however many meters of a fleet use it. */
    private static final java.util.Map<String, VendorProfile> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

    /** The image transfer object's image_block_size (attribute 2): half the PDU, at least 64 bytes. */
    public int imageBlockSize() {
        return Math.max(64, maxPduSize / 2);
    }

    public static VendorProfile load(String name) {
        return LOADED.computeIfAbsent(name, VendorProfile::read);
    }

    private static VendorProfile read(String name) {
        try (InputStream in = VendorProfile.class.getResourceAsStream("/profiles/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("unknown vendor profile '" + name + "'; known: " + BUILT_IN);
            }
            VendorProfile p = JSON.readValue(in, VendorProfile.class);
            if (!p.name().equals(name)) {
                throw new IllegalStateException("profiles/" + name + ".json declares name '" + p.name() + "'");
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vendor profile " + name, e);
        }
    }
}
