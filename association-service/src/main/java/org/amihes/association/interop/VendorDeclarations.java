package org.amihes.association.interop;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.amihes.association.AssociationConfig;
import org.amihes.interop.MeterDeclaration;

/**
 * What each vendor declares about its meters ({@link MeterDeclaration}): a file {@code <vendor>.json} in
 * {@code hes.interop.declarations-dir} when there is one, else the built-in declaration of a simulated vendor, else
 * none. Read once per vendor.
 */
@ApplicationScoped
public class VendorDeclarations {

    private final Optional<Path> dir;
    private final Map<String, Optional<MeterDeclaration>> loaded = new ConcurrentHashMap<>();

    public VendorDeclarations(AssociationConfig config) {
        this.dir = config.interop().declarationsDir();
    }

    /** The vendor's declaration, null when there is none. */
    public MeterDeclaration of(String vendor) {
        if (vendor == null) {
            return null;
        }
        return loaded.computeIfAbsent(vendor, v -> Optional.ofNullable(read(v))).orElse(null);
    }

    private MeterDeclaration read(String vendor) {
        if (dir.isPresent()) {
            Path file = dir.get().resolve(vendor + ".json");
            if (Files.isRegularFile(file)) {
                try {
                    return MeterDeclaration.load(file);
                } catch (Exception e) {
                    throw new IllegalStateException("declaration " + file + " unreadable: " + e.getMessage(), e);
                }
            }
        }
        try {
            return MeterDeclaration.builtIn(vendor);
        } catch (IllegalArgumentException unknownVendor) {
            return null;
        }
    }
}
