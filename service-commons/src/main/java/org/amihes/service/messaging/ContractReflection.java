package org.amihes.service.messaging;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.amihes.contracts.MeterFailure;
import org.amihes.contracts.ReadJob;
import org.amihes.contracts.ReadResult;
import org.amihes.contracts.RegisterValue;

/**
 * The broker contracts are (de)serialised by Jackson in {@link JsonMessages}, out of sight of Quarkus' REST
 * scanning: a native image needs them registered for reflection explicitly.
 */
@RegisterForReflection(targets = {ReadJob.class, ReadResult.class, ReadResult.Status.class, RegisterValue.class,
        MeterFailure.class})
final class ContractReflection {

    private ContractReflection() {
    }
}
