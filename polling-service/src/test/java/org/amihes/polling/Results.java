package org.amihes.polling;

import java.time.Instant;
import java.util.List;
import org.amihes.contracts.MeterFailure;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.RegisterReadings;
import org.amihes.contracts.RegisterValue;

/** Results as association-service publishes them for read-registers jobs. */
final class Results {

    private Results() {
    }

    static MeterJobResult ok(MeterJob job, Instant meterTime, List<RegisterValue> values) {
        return MeterJobResult.ok(job, "public: client 16 NONE", new RegisterReadings(meterTime, values));
    }

    static MeterJobResult failed(MeterJob job, MeterFailure failure) {
        return MeterJobResult.failed(job, "public: client 16 NONE", failure);
    }
}
