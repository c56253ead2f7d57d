package org.amihes.service.messaging;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The broker contracts are (de)serialised by Jackson in {@link JsonMessages}, out of sight of Quarkus' REST
 * scanning: a native image needs them registered for reflection explicitly, every one of message-contracts (nested
 * records and enums included), so a new message is never the one a native build forgets.
 */
@RegisterForReflection(targets = {
        org.amihes.contracts.ActivateImage.class, org.amihes.contracts.ClockState.class,
        org.amihes.contracts.CommandOutcome.class, org.amihes.contracts.ConfirmKeys.class,
        org.amihes.contracts.Disconnect.class, org.amihes.contracts.FirmwareState.class,
        org.amihes.contracts.ImageBlocks.class, org.amihes.contracts.ImageStatus.class,
        org.amihes.contracts.InteropProbe.class, org.amihes.contracts.InteropProbed.class,
        org.amihes.contracts.JobPriority.class, org.amihes.contracts.KeysInstalled.class,
        org.amihes.contracts.MdmsReading.class, org.amihes.contracts.MdmsReading.Kind.class,
        org.amihes.contracts.MdmsReadings.class, org.amihes.contracts.MeterCommand.class,
        org.amihes.contracts.MeterConnectivityChanged.class, org.amihes.contracts.MeterFailure.class,
        org.amihes.contracts.MeterJob.class, org.amihes.contracts.MeterJobBatch.class,
        org.amihes.contracts.MeterJobBatch.Announced.class,
        org.amihes.contracts.MeterJobResult.class, org.amihes.contracts.MeterJobResult.Status.class,
        org.amihes.contracts.MeterJobResultBatch.class, org.amihes.contracts.MeterPushEvent.class,
        org.amihes.contracts.MeterPushEvent.Kind.class, org.amihes.contracts.MeterPushEvent.PushedValue.class,
        org.amihes.contracts.MeterRegistryChange.class, org.amihes.contracts.ProfileChannel.class,
        org.amihes.contracts.ProfileInterval.class, org.amihes.contracts.ProfileIntervals.class,
        org.amihes.contracts.ReadFirmware.class, org.amihes.contracts.ReadProfile.class,
        org.amihes.contracts.ReadRegisters.class, org.amihes.contracts.Reconnect.class,
        org.amihes.contracts.RegisterReadings.class, org.amihes.contracts.RegisterValue.class,
        org.amihes.contracts.RegisteredMeter.class, org.amihes.contracts.RegistrySyncRequest.class,
        org.amihes.contracts.RelayState.class, org.amihes.contracts.Scaling.class, org.amihes.contracts.SyncClock.class,
        org.amihes.contracts.TariffState.class, org.amihes.contracts.TransferImage.class,
        org.amihes.contracts.TransferKeys.class, org.amihes.contracts.TransferKeys.WrappedKey.class,
        org.amihes.contracts.VerifyImage.class, org.amihes.contracts.WriteTariff.class,
        org.amihes.contracts.WriteTariff.Switch.class})
final class ContractReflection {

    private ContractReflection() {
    }
}
