package org.amihes.service.messaging;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.amihes.contracts.MeterFailure;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobBatch;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.MeterJobResultBatch;
import org.amihes.contracts.ReadRegisters;
import org.amihes.contracts.RegisterReadings;
import org.amihes.contracts.RegisterValue;

/**
 * The broker contracts are (de)serialised by Jackson in {@link JsonMessages}, out of sight of Quarkus' REST
 * scanning: a native image needs them registered for reflection explicitly.
 */
@RegisterForReflection(targets = {MeterJob.class, MeterJobBatch.class, MeterJobResult.class,
        MeterJobResult.Status.class, MeterJobResultBatch.class, ReadRegisters.class, RegisterReadings.class,
        RegisterValue.class, MeterFailure.class, org.amihes.contracts.ReadFirmware.class,
        org.amihes.contracts.FirmwareState.class, org.amihes.contracts.TransferImage.class,
        org.amihes.contracts.ImageBlocks.class, org.amihes.contracts.VerifyImage.class,
        org.amihes.contracts.ActivateImage.class, org.amihes.contracts.ImageStatus.class,
        org.amihes.contracts.InteropProbe.class, org.amihes.contracts.InteropProbed.class})
final class ContractReflection {

    private ContractReflection() {
    }
}
