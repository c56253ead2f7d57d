package org.amihes.contracts;

/**
 * The outcome of {@link TransferKeys} (the meter answered key_transfer with success) and of {@link ConfirmKeys} (an
 * association with the version worked).
 *
 * @param version the key version
 * @param usedVersion the key version the association that did it used
 */
public record KeysInstalled(int version, int usedVersion) implements CommandOutcome {
}
