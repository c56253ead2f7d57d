package org.amihes.interop;

import java.util.Objects;
import org.amihes.dlms.SessionSettings;

/**
 * One meter to probe.
 *
 * @param publicAssociation    how to reach it: host, port, transport, logical device, public client (16)
 * @param management           the association the meter claims for management (its HLS mechanism and suite with
 *                             its keys, or LLS with its password); null when none is available, see {@code whyNoManagement}
 * @param whyNoManagement      why {@code management} is null (e.g. "no keys for the meter in security-service"), for
 *                             the SKIPPED reasons; null when it is set
 * @param declaration          what the vendor declares for this meter type; null when none is known
 */
public record ProbeTarget(String meterId, String vendor, SessionSettings publicAssociation, SessionSettings management,
                          String whyNoManagement, MeterDeclaration declaration) {

    public ProbeTarget {
        Objects.requireNonNull(meterId, "meterId");
        Objects.requireNonNull(publicAssociation, "publicAssociation");
        if (management == null && (whyNoManagement == null || whyNoManagement.isBlank())) {
            throw new IllegalArgumentException("without a management association, say why (whyNoManagement)");
        }
    }
}
