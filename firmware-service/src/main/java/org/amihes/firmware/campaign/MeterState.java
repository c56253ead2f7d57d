package org.amihes.firmware.campaign;

/** Where one meter of a campaign is. In flight: a step's job is out (or held while the campaign is paused). */
public enum MeterState {
    PENDING, READING, TRANSFERRING, VERIFYING, ACTIVATING, CONFIRMING,
    /** activated and the new version read back */
    DONE,
    /** the meter already ran the image */
    SKIPPED,
    /** refused before any byte was sent (vendor/model), or by the meter's bootloader (image installed already) */
    REFUSED,
    FAILED, CANCELLED;

    public boolean inFlight() {
        return this == READING || this == TRANSFERRING || this == VERIFYING || this == ACTIVATING || this == CONFIRMING;
    }

    public boolean terminal() {
        return this != PENDING && !inFlight();
    }
}
