package org.amihes.association.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.amihes.contracts.JobPriority;
import org.amihes.contracts.MeterFailure;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.MeterJobResultBatch;
import org.amihes.contracts.ReadRegisters;
import org.amihes.contracts.RegisterReadings;
import org.amihes.contracts.RegisterValue;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.rest.JsonSetup;
import org.junit.jupiter.api.Test;

/**
 * A job's result is written as JSON once, for the journal and for the broker: the message of a batch is put together
 * from those bytes. Read back by the contract it is the batch of the same results, as if written whole.
 */
class ResultBatchBodyTest {

    static JsonMessages json() {
        ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
        new JsonSetup().customize(mapper);
        return new JsonMessages(mapper);
    }

    static MeterJobResult result(int i) {
        MeterJob job = new MeterJob("b/" + i, "b", "M\"" + i + "\u00e9", Instant.parse("2026-12-06T10:00:00Z"),
                new ReadRegisters(List.of(ReadRegisters.ACTIVE_ENERGY_IMPORT)), null, JobPriority.SCHEDULED);
        if (i % 3 == 2) {
            return MeterJobResult.failed(job, "public", new MeterFailure("NETWORK", "DLMS-101",
                    "DLMS-101: no answer, \"quoted\"", List.of("TX 00 01", "RX ")));
        }
        return MeterJobResult.ok(job, "public: client 16 NONE", new RegisterReadings(Instant.parse("2026-12-06T09:59:59Z"),
                List.of(RegisterValue.of(ReadRegisters.ACTIVE_ENERGY_IMPORT, new BigDecimal("12345.60"), -2, "Wh"))));
    }

    @Test
    void aBatchPutTogetherFromWrittenResultsReadsAsTheBatchOfThoseResults() throws Exception {
        JsonMessages json = json();
        for (int n : new int[] {1, 2, MeterJobResultBatch.MAX_RESULTS}) {
            List<MeterJobResult> results = new ArrayList<>();
            List<byte[]> written = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                results.add(result(i));
                written.add(json.write(results.get(i)));
            }
            MeterJobResultBatch whole = json.read(json.write(new MeterJobResultBatch(results)), MeterJobResultBatch.class);
            MeterJobResultBatch pieced = json.read(ResultPublisher.batchOf(written), MeterJobResultBatch.class);
            assertThat(pieced).isEqualTo(whole);
            assertThat(pieced.results()).hasSize(n).isEqualTo(results);
        }
    }
}
