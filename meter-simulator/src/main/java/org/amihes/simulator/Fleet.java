package org.amihes.simulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A fleet description: the meters a simulator runs. Generated from a seed (the same seed gives the same fleet)
 * or read from a JSON file; {@link #writeRegistry} turns it into the head-end's {@code meter_registry.json}.
 */
public record Fleet(long seed, List<MeterSpec> meters) {

    public static final int DLMS_PORT = 4059;
    /** Public client: lowest-level security, enough to read what a meter makes public. */
    public static final int PUBLIC_CLIENT = 16;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public Fleet {
        meters = List.copyOf(meters);
    }

    /**
     * {@code count} meters cycling through {@code profiles}, meter i on loopback address {@code firstHost + i},
     * all on {@code port}.
     */
    public static Fleet generate(int count, List<String> profiles, long seed, String firstHost, int port) {
        profiles.forEach(VendorProfile::load); // fail now on an unknown profile, not at the first connection
        SplittableRandom random = new SplittableRandom(seed);
        int base = ipv4ToInt(firstHost);
        List<MeterSpec> meters = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String profile = profiles.get(i % profiles.size());
            long initialWh = 100_000 + random.nextLong(5_000_000);
            long loadW = 50 + random.nextLong(3_000);
            meters.add(new MeterSpec(String.format("MTR%06d", i + 1), profile, intToIpv4(base + i), port, 1,
                    String.format("%s%08d", VendorProfile.load(profile).manufacturer(), 10_000_000L + i),
                    String.format("%08d", random.nextInt(100_000_000)), initialWh, loadW, MeterSpec.Fault.NONE));
        }
        return new Fleet(seed, meters);
    }

    public static Fleet read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Fleet.class);
    }

    public void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    public MeterSpec meter(String meterId) {
        return meters.stream().filter(m -> m.meterId().equals(meterId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no meter " + meterId + " in the fleet"));
    }

    /** The secrets of a meter of this fleet (derived from the fleet seed, see {@link MeterKeys}). */
    public MeterKeys keys(String meterId) {
        return keys(meter(meterId));
    }

    /** The secrets of {@code m}, a meter of this fleet (no lookup by id: a fleet of 100,000 asks for each). */
    public MeterKeys keys(MeterSpec m) {
        return MeterKeys.derive(seed, m, VendorProfile.load(m.profile()));
    }

    /** The head-end's ECDSA key pair that this fleet's meters trust (suite 1: P-256, suite 2: P-384). */
    public java.security.KeyPair headEndSigningKey(int suite) {
        return MeterKeys.headEndSigningKey(seed, suite);
    }

    /**
     * The same fleet with every meter id prefixed: a run against a database that outlives runs uses fresh ids, so
     * nothing stored by an earlier run is mistaken for its own.
     */
    public Fleet withIdPrefix(String prefix) {
        return new Fleet(seed, meters.stream().map(m -> m.withMeterId(prefix + m.meterId())).toList());
    }

    public Fleet replace(MeterSpec changed) {
        List<MeterSpec> copy = new ArrayList<>(meters);
        copy.replaceAll(m -> m.meterId().equals(changed.meterId()) ? changed : m);
        return new Fleet(seed, copy);
    }

    /**
     * Writes the head-end's registry file (format: association-service README) describing how to reach each meter.
     * The simulator and the head-end share no code, only this file format.
     */
    public void writeRegistry(Path file) throws IOException {
        writeRegistry(file, false);
    }

    /**
     * @param managed each meter names its vendor's security profile ({@link #writeSecurityProfiles}): the head-end
     *                reads it over the management association with its keys; otherwise over the public client
     */
    public void writeRegistry(Path file, boolean managed) throws IOException {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (MeterSpec m : meters) {
            VendorProfile p = VendorProfile.load(m.profile());
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("meterId", m.meterId());
            e.put("vendor", p.name());
            e.put("host", m.host());
            e.put("port", m.port());
            e.put("transport", p.framing() == VendorProfile.Framing.HDLC ? "TCP_HDLC" : "TCP_WRAPPER");
            e.put("clientAddress", PUBLIC_CLIENT);
            e.put("logicalDevice", m.logicalDevice());
            e.put("authentication", "NONE");
            if (managed) {
                e.put("securityProfile", securityProfileName(p));
            }
            entries.add(e);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("meters", entries);
        JSON.writeValue(file.toFile(), root);
    }

    /** The management association's mechanism: the vendor's HLS mechanism where it has one, else LLS ("LOW"). */
    public static String managementAuthentication(VendorProfile profile) {
        return "NONE".equals(profile.hlsAuthentication()) ? "LOW" : profile.hlsAuthentication();
    }

    /** The management association's client address: the HLS client where the vendor has HLS, else the LLS client. */
    public static int managementClient(VendorProfile profile) {
        return "NONE".equals(profile.hlsAuthentication()) ? SimulatedMeter.LLS_CLIENT : SimulatedMeter.HLS_CLIENT;
    }

    /** The security profile of a vendor's management association. */
    public static String securityProfileName(VendorProfile profile) {
        return profile.name() + "-management";
    }

    /**
     * Writes one security profile per vendor of the fleet ({@code {"profiles": [...]}}, each the body of
     * security-service's {@code PUT /security-profiles/{name}}): the management association as the vendor's
     * technical manual gives it, HLS on client 1 where the meter has it, else LLS on client 32.
     */
    public void writeSecurityProfiles(Path file) throws IOException {
        Map<String, Map<String, Object>> profiles = new java.util.TreeMap<>();
        for (MeterSpec m : meters) {
            VendorProfile p = VendorProfile.load(m.profile());
            profiles.computeIfAbsent(securityProfileName(p), name -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", name);
                e.put("authentication", managementAuthentication(p));
                e.put("securitySuite", p.securitySuite());
                e.put("securityPolicy", p.securityPolicy());
                e.put("clientAddress", managementClient(p));
                return e;
            });
        }
        JSON.writeValue(file.toFile(), Map.of("profiles", List.copyOf(profiles.values())));
    }

    /**
     * Writes the fleet's keys as a meter vendor delivers them with a batch of meters (hex; public keys as base64
     * X.509): the input for loading them into the head-end's key store. The head-end section holds the simulated
     * head-end's own ECDSA key pairs; a real head-end generates its keys itself. Simulation only: the file is
     * written with owner-only permissions and never belongs in version control.
     */
    public void writeKeys(Path file) throws IOException {
        HexFormat hex = HexFormat.of().withUpperCase();
        Base64.Encoder b64 = Base64.getEncoder();
        List<Map<String, Object>> entries = new ArrayList<>();
        for (MeterSpec m : meters) {
            VendorProfile p = VendorProfile.load(m.profile());
            MeterKeys k = keys(m);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("meterId", m.meterId());
            e.put("systemTitle", hex.formatHex(k.systemTitle()));
            // the management association's mechanism: HLS where the vendor has it, else LLS (client 32)
            e.put("authentication", managementAuthentication(p));
            e.put("securitySuite", p.securitySuite());
            e.put("securityPolicy", p.securityPolicy());
            e.put("blockCipherKey", hex.formatHex(k.blockCipherKey()));
            e.put("authenticationKey", hex.formatHex(k.authenticationKey()));
            e.put("masterKey", hex.formatHex(k.masterKey()));
            e.put("hlsSecret", hex.formatHex(k.hlsSecret()));
            e.put("llsPassword", m.llsPassword());
            e.put("signingPublicKey", k.signingKey() == null ? null : b64.encodeToString(k.signingKey().getPublic().getEncoded()));
            entries.add(e);
        }
        Map<String, Object> headEnd = new LinkedHashMap<>();
        headEnd.put("systemTitle", hex.formatHex(MeterKeys.HEAD_END_SYSTEM_TITLE));
        for (int suite = 1; suite <= 2; suite++) {
            java.security.KeyPair kp = headEndSigningKey(suite);
            headEnd.put("suite" + suite + "SigningPublicKey", b64.encodeToString(kp.getPublic().getEncoded()));
            headEnd.put("suite" + suite + "SigningPrivateKey", b64.encodeToString(kp.getPrivate().getEncoded()));
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("warning", "simulated meters: deterministic keys derived from the fleet seed, never real key material");
        root.put("headEnd", headEnd);
        root.put("meters", entries);
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        JSON.writeValue(file.toFile(), root);
    }

    static int ipv4ToInt(String host) {
        String[] parts = host.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + host);
        }
        int v = 0;
        for (String part : parts) {
            v = (v << 8) | Integer.parseInt(part);
        }
        return v;
    }

    static String intToIpv4(int v) {
        return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
    }
}
