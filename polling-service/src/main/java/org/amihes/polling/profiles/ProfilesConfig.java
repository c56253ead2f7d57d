package org.amihes.polling.profiles;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Load profiles, gaps and backfill, prefix {@code hes.profiles}. */
@ConfigMapping(prefix = "hes.profiles")
public interface ProfilesConfig {

    /** The load profile read when a request names none and the meter's vendor has no entry in {@link #vendorProfile()}. */
    @WithDefault("1.0.99.1.0.255")
    String loadProfile();

    /** The load profile per vendor (registry {@code vendor}), where it is not {@link #loadProfile()}. */
    Map<String, String> vendorProfile();

    /** The profiles a request may name (besides those above); another OBIS code is refused as unknown. */
    @WithDefault("1.0.99.1.0.255,1.0.99.2.0.255")
    List<String> known();

    /** The longest range one request may ask for (the meters' buffers hold about a week). */
    @WithDefault("P31D")
    Duration maxRange();

    Partitions partitions();

    Backfill backfill();

    interface Partitions {
        /** Day partitions created ahead of today. */
        @WithDefault("7")
        int ahead();

        /** Day partitions older than this are dropped. */
        @WithDefault("P400D")
        Duration retention();

        /** How often partitions are created ahead and old ones dropped. */
        @WithDefault("1h")
        Duration every();
    }

    interface Backfill {
        /** How often gaps are looked for and read again; 0 turns automatic backfill off. */
        @WithDefault("60s")
        Duration every();

        /** Read attempts per gap, the first backfill included; then the gap is left for an operator. */
        @WithDefault("3")
        int maxAttempts();

        /** A gap whose backfill failed is tried again after this long. */
        @WithDefault("5m")
        Duration retryAfter();

        /** Only gaps within this long before the newest capture time asked for (a meter's buffer holds ~7 days). */
        @WithDefault("P7D")
        Duration lookback();

        /** Gaps read again per run, at most. */
        @WithDefault("1000")
        int maxPerRun();
    }
}
