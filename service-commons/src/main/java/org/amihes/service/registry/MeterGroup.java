package org.amihes.service.registry;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * A group of meters, as every service that selects meters writes it (polling-service's schedules, firmware-service's
 * campaigns): either an explicit list of {@code meterIds}, or a filter on the service's view of the registry
 * ({@link RegistryViewTable}) — the registry's {@code vendor} (its device type, e.g. {@code aurora-ax1}: vendor and
 * model) and/or {@code tags} (a meter must carry every tag listed). A filter is resolved against the view when used,
 * so it follows the registry as meters are added, retagged or removed.
 */
public record MeterGroup(
        @Size(min = 1, max = 64) String vendor,
        @Size(min = 1, max = 16) List<@NotNull @Pattern(regexp = TAG, message = "is not a tag") String> tags,
        @Size(max = MAX_IDS) List<@NotNull @Pattern(regexp = ID, message = ID_MESSAGE) String> meterIds) {

    /**
     * The most meter ids one request may list (a read, a profile read, a schedule's or campaign's group, an
     * interoperability run): twice the 100,000-meter fleet the benchmarks read, ~3 MB of ids.
     */
    public static final int MAX_IDS = 200_000;
    public static final String ID_MESSAGE = "is not a meter id";

    /** A tag, as the registry accepts it: 1-64 letters, digits, '.', '_' or '-' (never a ','). */
    public static final String TAG = "[A-Za-z0-9._-]{1,64}";
    public static final String ID = "[A-Za-z0-9._-]{1,64}";

    /** A filter by vendor (device type) and tags; either may be null, not both. */
    public static MeterGroup filter(String vendor, List<String> tags) {
        return new MeterGroup(vendor, tags, null);
    }

    public static MeterGroup of(List<String> meterIds) {
        return new MeterGroup(null, null, meterIds);
    }

    public boolean explicit() {
        return meterIds != null;
    }

    /** The tags a filter requires (none: empty). */
    public List<String> requiredTags() {
        return tags == null ? List.of() : tags;
    }

    /** Why the group is unusable as written, or null: exactly one of a filter and {@code meterIds}. */
    public String shapeProblem() {
        boolean filter = vendor != null || tags != null;
        if (filter == explicit()) {
            return "give either 'meterIds' or a filter ('vendor' and/or 'tags'), not both and not neither";
        }
        return null;
    }

    /**
     * The filter as a condition on a view table's columns {@code vendor} and {@code tags}, with two parameters in the
     * caller's placeholder syntax: {@code vendorParam} (text, null: any vendor) and {@code tagsParam} (text[]).
     */
    public static String condition(String vendorParam, String tagsParam) {
        return "(CAST(" + vendorParam + " AS text) IS NULL OR vendor = CAST(" + vendorParam + " AS text)) AND tags @> CAST("
                + tagsParam + " AS text[])";
    }
}
