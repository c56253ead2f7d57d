package org.amihes.interop;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a vendor declares about a meter type, as a test lab receives it with the meter (the DLMS UA calls it a
 * conformance statement): the object list it promises, where its registers and profiles are, the services it claims.
 * Cases compare the meter's answers with this; a case whose subject is not declared is SKIPPED, never passed.
 * Data, not code: {@code src/main/resources/declarations/<vendor>.json} for the simulated vendors, or any file of the
 * same shape (schema in the README, section "Interoperability runs").
 *
 * @param objects                 OBIS codes the association's object list must contain
 * @param loadProfilePeriodSeconds the declared capture period of {@code loadProfileObis}
 * @param blockTransfer           GET with block transfer claimed (conformance bit block-transfer-with-get-or-read)
 * @param selectiveAccess         selective access by range and entry claimed on the load profile
 * @param disconnectControlObis   null when the meter declares no disconnector
 * @param imageTransferObis       null when the meter declares no image transfer
 * @param pushSetups              the meter's push setups (class 40) and their push object lists: how the head-end
 *                                names the values of a DataNotification; empty when none are declared
 */
public record MeterDeclaration(String vendor, String model, int maxPduSize, String energyObis, String clockObis,
                               String firmwareObis, String loadProfileObis, long loadProfilePeriodSeconds,
                               boolean blockTransfer, boolean selectiveAccess, String disconnectControlObis,
                               String imageTransferObis, Set<String> objects, List<PushSetup> pushSetups) {

    /** One push setup: its logical name and push object list, in order. */
    public record PushSetup(String logicalName, List<PushObject> objects) {
        public PushSetup {
            objects = List.copyOf(objects);
        }
    }

    /** One entry of a push object list: the attribute {@code attribute} of object {@code obis} of class {@code classId}. */
    public record PushObject(int classId, String obis, int attribute) {
    }

    public MeterDeclaration {
        require(vendor, "vendor");
        objects = Set.copyOf(objects);
        pushSetups = pushSetups == null ? List.of() : List.copyOf(pushSetups);
        if (loadProfileObis != null && loadProfilePeriodSeconds <= 0) {
            throw new IllegalArgumentException("loadProfilePeriodSeconds must be positive when loadProfileObis is declared");
        }
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("declaration field '" + field + "' is required");
        }
    }

    /** The declaration shipped for one of the simulated vendors (aurora-ax1, borealis-b7, corvus-c3, delta-q9). */
    public static MeterDeclaration builtIn(String vendor) {
        try (InputStream in = MeterDeclaration.class.getResourceAsStream("/declarations/" + vendor + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no built-in declaration for vendor '" + vendor + "'");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "declarations/" + vendor + ".json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static MeterDeclaration load(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    /** Every problem of the file at once, named by field. */
    public static MeterDeclaration parse(String json, String source) {
        JsonObject o;
        try {
            o = new JsonObject(json);
        } catch (DecodeException e) {
            throw new IllegalArgumentException(source + ": not a JSON object (" + e.getMessage() + ")");
        }
        Set<String> known = Set.of("vendor", "model", "maxPduSize", "energyObis", "clockObis", "firmwareObis",
                "loadProfileObis", "loadProfilePeriodSeconds", "blockTransfer", "selectiveAccess",
                "disconnectControlObis", "imageTransferObis", "objects", "description", "pushSetups");
        List<String> errors = new ArrayList<>();
        for (String field : o.fieldNames()) {
            if (!known.contains(field)) {
                errors.add("unknown field '" + field + "'");
            }
        }
        Set<String> objects = new LinkedHashSet<>();
        try {
            JsonArray list = o.getJsonArray("objects", new JsonArray());
            for (int i = 0; i < list.size(); i++) {
                String obis = list.getString(i);
                if (!Obis.valid(obis)) {
                    errors.add("objects[" + i + "]: not an OBIS code a.b.c.d.e.f: " + obis);
                } else {
                    objects.add(obis);
                }
            }
            for (String field : List.of("energyObis", "clockObis", "firmwareObis", "loadProfileObis",
                    "disconnectControlObis", "imageTransferObis")) {
                String obis = o.getString(field);
                if (obis != null && !Obis.valid(obis)) {
                    errors.add(field + ": not an OBIS code a.b.c.d.e.f: " + obis);
                } else if (obis != null) {
                    objects.add(obis); // what is declared anywhere must be in the object list
                }
            }
            List<PushSetup> pushSetups = pushSetups(o.getJsonArray("pushSetups", new JsonArray()), errors);
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException(source + ": " + String.join("; ", errors));
            }
            return new MeterDeclaration(o.getString("vendor"), o.getString("model", ""), o.getInteger("maxPduSize", 0),
                    o.getString("energyObis", Obis.ENERGY), o.getString("clockObis", Obis.CLOCK),
                    o.getString("firmwareObis", Obis.FIRMWARE), o.getString("loadProfileObis"),
                    o.getLong("loadProfilePeriodSeconds", 0L), o.getBoolean("blockTransfer", false),
                    o.getBoolean("selectiveAccess", false), o.getString("disconnectControlObis"),
                    o.getString("imageTransferObis"), objects, pushSetups);
        } catch (ClassCastException e) {
            throw new IllegalArgumentException(source + ": a field has the wrong JSON type (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(source) ? e : new IllegalArgumentException(source + ": " + e.getMessage());
        }
    }

    /** {@code [{"logicalName": "0.0.25.9.0.255", "objects": ["classId/a.b.c.d.e.f/attribute", ...]}, ...]} */
    private static List<PushSetup> pushSetups(JsonArray list, List<String> errors) {
        List<PushSetup> setups = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonObject setup = list.getJsonObject(i);
            String ln = setup.getString("logicalName");
            if (!Obis.valid(ln)) {
                errors.add("pushSetups[" + i + "].logicalName: not an OBIS code a.b.c.d.e.f: " + ln);
                continue;
            }
            List<PushObject> objects = new ArrayList<>();
            JsonArray entries = setup.getJsonArray("objects", new JsonArray());
            for (int j = 0; j < entries.size(); j++) {
                String[] part = entries.getString(j).split("/");
                if (part.length != 3 || !part[0].matches("\\d{1,5}") || !Obis.valid(part[1]) || !part[2].matches("\\d{1,3}")) {
                    errors.add("pushSetups[" + i + "].objects[" + j + "]: not classId/a.b.c.d.e.f/attribute: "
                            + entries.getString(j));
                } else {
                    objects.add(new PushObject(Integer.parseInt(part[0]), part[1], Integer.parseInt(part[2])));
                }
            }
            setups.add(new PushSetup(ln, objects));
        }
        return setups;
    }
}
