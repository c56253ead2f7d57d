package org.amihes.contracts;

/**
 * How urgent a {@link MeterJob} is, set by the service that asks: association-service admits waiting work in this
 * order (first {@link #ON_DEMAND}, then {@link #SCHEDULED}), oldest first within one priority. A meter's own jobs
 * still run one after another in the order they arrived.
 */
public enum JobPriority {
    /** An operator or a service is waiting for it: reads on request, commands, firmware and key steps. */
    ON_DEMAND,
    /** Work a schedule fired: it yields to on-demand work when sessions are scarce. */
    SCHEDULED
}
